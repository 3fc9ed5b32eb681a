package io.chronon.quarkus.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.chronon.quarkus.ChrononConfig;

/**
 * {@code GET /chronon/ui}: the time-travel dashboard, one self-contained page (no asset from
 * anywhere else, so it works offline). On in dev and test mode, off elsewhere unless
 * {@code chronon.ui.enabled=true}. The page holds no data: everything it shows comes from the admin
 * endpoints, which it calls with the admin token the user gives it.
 */
@Path("/chronon/ui")
public class DashboardResource {
    private static final String PAGE = "chronon/ui/index.html";

    @Inject
    ChrononConfig config;

    @GET
    public Response page() {
        if (!config.ui().enabled()) {
            return ApiErrors.error(404, "the dashboard is off: set chronon.ui.enabled=true (it is on in dev mode)");
        }
        try (InputStream page = Thread.currentThread().getContextClassLoader().getResourceAsStream(PAGE)) {
            if (page == null) {
                throw new IllegalStateException(PAGE + " is missing from the extension's jar");
            }
            return Response.ok(page.readAllBytes(), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .header("Cache-Control", "no-cache").build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
