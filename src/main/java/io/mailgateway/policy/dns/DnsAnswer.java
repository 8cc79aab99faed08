package io.mailgateway.policy.dns;

import java.util.List;

import org.xbill.DNS.Record;

/** An authoritative outcome of one lookup: records, or the name does not exist, or it has no records of that type. */
public record DnsAnswer(Status status, List<Record> records) {

    public enum Status { OK, NXDOMAIN, NODATA }

    public DnsAnswer {
        records = List.copyOf(records);
    }

    public static DnsAnswer nxdomain() {
        return new DnsAnswer(Status.NXDOMAIN, List.of());
    }

    public static DnsAnswer nodata() {
        return new DnsAnswer(Status.NODATA, List.of());
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }
}
