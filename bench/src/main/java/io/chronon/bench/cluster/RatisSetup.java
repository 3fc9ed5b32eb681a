package io.chronon.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;

/**
 * What the Ratis servers and their clients share: the group of three peers and the settings of the
 * reference measurements. gRPC transport; election timeouts of 1–2 s, because three server JVMs and the
 * load generator share 2 cores and Ratis' defaults (150–300 ms) would elect again under load; the log
 * is forced to disk before an entry counts as written (unsafe-flush and async-flush off, Ratis' own
 * defaults, stated here so that nobody turns them on by accident).
 */
final class RatisSetup {
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.fromString("8d7c1f3e-5a2b-4c6d-9e0f-1a2b3c4d5e6f"));

    private RatisSetup() {}

    static RaftPeerId peerId(int index) {
        return RaftPeerId.valueOf("n" + index);
    }

    static RaftGroup group(int[] ports) {
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            peers.add(RaftPeer.newBuilder().setId(peerId(i)).setAddress("127.0.0.1:" + ports[i]).build());
        }
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    static RaftProperties properties() {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(10, TimeUnit.SECONDS));
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, false);
        RaftServerConfigKeys.Log.setAsyncFlushEnabled(properties, false);
        return properties;
    }
}
