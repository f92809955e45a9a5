// Sluice's compatibility shim (our own code): connect-file 4.3.1 — the newest FileStream connectors Maven
// Central serves here — calls org.apache.kafka.common.utils.AppInfoParser, which Kafka 4.4 moved to
// org.apache.kafka.common.utils.internals. This forwards the two calls it makes, so Java Kafka Connect 4.4
// (the oracle) can load the FileStream connectors. Compiled by scripts/lib/kafka-dist.mjs at resolve time.
package org.apache.kafka.common.utils;

public final class AppInfoParser {
    private AppInfoParser() {}

    public static String getVersion() {
        return org.apache.kafka.common.utils.internals.AppInfoParser.getVersion();
    }

    public static String getCommitId() {
        return org.apache.kafka.common.utils.internals.AppInfoParser.getCommitId();
    }
}
