package io.chronon.quarkus.deployment;

import io.chronon.quarkus.devui.ChrononDevUiService;
import io.quarkus.deployment.IsDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/** The Chronon card of the Dev UI: the node's live status and links to its endpoints. */
class ChrononDevUiProcessor {

    @BuildStep(onlyIf = IsDevelopment.class)
    CardPageBuildItem card() {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addPage(Page.externalPageBuilder("Node status").icon("font-awesome-solid:heart-pulse")
                .dynamicLabelJsonRPCMethodName("status").url("/chronon/status").isJsonContent());
        card.addPage(Page.externalPageBuilder("Replicas").icon("font-awesome-solid:server")
                .url("/chronon/dev/replicas").isJsonContent());
        card.addPage(Page.externalPageBuilder("Time travel").icon("font-awesome-solid:clock-rotate-left")
                .url("/chronon/ui").isHtmlContent().doNotEmbed());
        card.addPage(Page.externalPageBuilder("Outbox").icon("font-awesome-solid:inbox")
                .url("/chronon/outbox").isJsonContent());
        card.addPage(Page.externalPageBuilder("Metrics").icon("font-awesome-solid:chart-line").url("/q/metrics")
                .mimeType("text/plain"));
        return card;
    }

    @BuildStep(onlyIf = IsDevelopment.class)
    JsonRPCProvidersBuildItem status() {
        return new JsonRPCProvidersBuildItem(ChrononDevUiService.class);
    }
}
