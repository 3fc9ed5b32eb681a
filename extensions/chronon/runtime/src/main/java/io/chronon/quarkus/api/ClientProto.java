package io.chronon.quarkus.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.chronon.quarkus.NodeStatus;

/**
 * The messages of {@code chronon/v1/chronon.proto}, read and written by hand with protobuf's coded
 * streams (the runtime carries no generated code). Field numbers and types are those of the proto;
 * unknown fields are skipped, as protobuf requires, so newer clients work with this node.
 */
final class ClientProto {
    private ClientProto() {}

    record SubmitRequest(String command, String clientId, long requestNumber, long correlation) {}

    record QueryRequest(String query, boolean local) {}

    static SubmitRequest submitRequest(byte[] bytes) throws InvalidProtocolBufferException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String command = "";
        String clientId = "";
        long requestNumber = 0;
        long correlation = 0;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> command = in.readStringRequireUtf8();
                    case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> clientId = in.readStringRequireUtf8();
                    case (3 << 3) | WireFormat.WIRETYPE_VARINT -> requestNumber = in.readUInt64();
                    case (4 << 3) | WireFormat.WIRETYPE_VARINT -> correlation = in.readUInt64();
                    default -> skip(in, tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        return new SubmitRequest(command, clientId, requestNumber, correlation);
    }

    static QueryRequest queryRequest(byte[] bytes) throws InvalidProtocolBufferException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String query = "";
        int consistency = 0;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> query = in.readStringRequireUtf8();
                    case (2 << 3) | WireFormat.WIRETYPE_VARINT -> consistency = in.readEnum();
                    default -> skip(in, tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        if (consistency != 0 && consistency != 1) {
            throw new InvalidProtocolBufferException("consistency " + consistency + " is not LINEARIZABLE or LOCAL");
        }
        return new QueryRequest(query, consistency == 1);
    }

    private static void skip(CodedInputStream in, int tag) throws IOException {
        if (!in.skipField(tag)) {
            throw new InvalidProtocolBufferException("an end-group tag outside a group");
        }
    }

    static byte[] submitReply(CommandAnswers.Answer answer, long correlation) {
        return write(out -> {
            JsonNode body = answer.body();
            out.writeUInt32(1, answer.status());
            if (body.has("index")) {
                out.writeInt64(2, body.get("index").asLong());
            }
            writeUInt64IfSet(out, 3, body.path("view").asLong(0));
            writeJsonIfSet(out, 4, body.get("result"));
            writeJsonIfSet(out, 5, body.get("rejection"));
            writeStringIfSet(out, 6, body.path("error").asText(""));
            if (answer.retryLater()) {
                out.writeUInt32(7, 1);
            }
            writeUInt64IfSet(out, 8, correlation);
        });
    }

    static byte[] queryReply(CommandAnswers.Answer answer) {
        return write(out -> {
            JsonNode body = answer.body();
            out.writeUInt32(1, answer.status());
            if (body.has("index")) {
                out.writeInt64(2, body.get("index").asLong());
            }
            writeJsonIfSet(out, 3, body.get("result"));
            writeStringIfSet(out, 4, body.path("error").asText(""));
            if (answer.retryLater()) {
                out.writeUInt32(5, 1);
            }
        });
    }

    static byte[] statusReply(NodeStatus status) {
        return write(out -> {
            if (status.nodeId() != 0) {
                out.writeUInt32(1, status.nodeId());
            }
            writeStringIfSet(out, 2, status.clusterId() == null ? "" : status.clusterId().toString());
            writeStringIfSet(out, 3, status.application());
            out.writeEnum(4, switch (status.role()) {
                case PRIMARY -> 1;
                case BACKUP -> 2;
                case VIEW_CHANGE -> 3;
                case RECOVERING -> 4;
            });
            writeUInt64IfSet(out, 5, status.view());
            if (status.commitIndex() >= 0) {
                out.writeInt64(6, status.commitIndex());
            }
            if (status.appliedIndex() >= 0) {
                out.writeInt64(7, status.appliedIndex());
            }
            if (status.primaryId() >= 0) {
                out.writeInt32(8, status.primaryId());
            }
            for (NodeStatus.Member member : status.members()) {
                byte[] encoded = write(inner -> {
                    if (member.id() != 0) {
                        inner.writeUInt32(1, member.id());
                    }
                    writeStringIfSet(inner, 2, member.address());
                    if (member.healthy()) {
                        inner.writeBool(3, true);
                    }
                });
                out.writeByteArray(9, encoded);
            }
            writeStringIfSet(out, 10, status.crash());
            writeStringIfSet(out, 11, status.replayDivergence());
        });
    }

    private static void writeUInt64IfSet(CodedOutputStream out, int field, long value) throws IOException {
        if (value != 0) {
            out.writeUInt64(field, value);
        }
    }

    private static void writeStringIfSet(CodedOutputStream out, int field, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            out.writeString(field, value);
        }
    }

    private static void writeJsonIfSet(CodedOutputStream out, int field, JsonNode value) throws IOException {
        if (value != null) {
            out.writeString(field, value.toString());
        }
    }

    private interface Writing {
        void to(CodedOutputStream out) throws IOException;
    }

    private static byte[] write(Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            writing.to(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
