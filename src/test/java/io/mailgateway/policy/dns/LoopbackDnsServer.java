package io.mailgateway.policy.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * A real DNS server for tests: a thread on a loopback UDP port that parses each query with dnsjava's
 * {@link Message} and answers from an in-memory zone in wire format. Names can be set to time out
 * (no answer) or to answer SERVFAIL, and datagrams to be lost. NXDOMAIN and NODATA carry a SOA whose MINIMUM is the negative TTL.
 */
public final class LoopbackDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
    private final Set<Name> timeouts = ConcurrentHashMap.newKeySet();
    private final Set<Name> servfails = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final AtomicInteger toLose = new AtomicInteger();
    private volatile long negativeTtl = 300;
    private volatile boolean running = true;

    private static final java.util.concurrent.ScheduledExecutorService DELAYED =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "loopback-dns-delay");
                t.setDaemon(true);
                return t;
            });
    private final Map<Name, java.time.Duration> delays = new java.util.concurrent.ConcurrentHashMap<>();

    public LoopbackDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-dns-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public void add(Record r) {
        zone.computeIfAbsent(r.getName(), n -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(r);
    }

    /** The name exists (so queries for other types get NODATA, not NXDOMAIN) without records of its own yet. */
    public void touch(Name name) {
        zone.computeIfAbsent(name, n -> new java.util.concurrent.CopyOnWriteArrayList<>());
    }

    public void clear() {
        delays.clear();
        zone.clear();
        timeouts.clear();
        servfails.clear();
        toLose.set(0);
        queries.clear();
    }

    /** Queries for name go unanswered, except for types it has records of. */
    public void timeout(Name name) {
        timeouts.add(name);
    }

    /** Answers for name are sent this late (a slow authoritative server behind the resolver). */
    public void delay(Name name, java.time.Duration by) {
        delays.put(name, by);
    }

    /** The next {@code datagrams} queries are lost on the way (received and counted, never answered). */
    public void lose(int datagrams) {
        toLose.set(datagrams);
    }

    public void servfail(Name name) {
        servfails.add(name);
    }

    public void negativeTtl(long seconds) {
        negativeTtl = seconds;
    }

    /** Queries received for name (any type); "." is the root. */
    public int queries(String name) {
        AtomicInteger n = queries.get(name.equals(".") ? "." : name.toLowerCase().replaceAll("\\.$", ""));
        return n == null ? 0 : n.get();
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return; // closed
            }
            try {
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] out = answer(query);
                if (toLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    continue;
                }
                java.time.Duration delay = delays.get(query.getQuestion().getName());
                java.net.SocketAddress to = packet.getSocketAddress();
                if (out != null && delay != null) {
                    DELAYED.schedule(() -> {
                        try {
                            socket.send(new DatagramPacket(out, out.length, to));
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    }, delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } else if (out != null) {
                    socket.send(new DatagramPacket(out, out.length, to));
                }
            } catch (IOException | RuntimeException e) {
                // a query we cannot parse gets no answer
            }
        }
    }

    private byte[] answer(Message query) {
        Record question = query.getQuestion();
        Name qname = question.getName();
        queries.computeIfAbsent(qname.toString(true).toLowerCase(), k -> new AtomicInteger()).incrementAndGet();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
            response.getHeader().setFlag(Flags.RA);
        }
        response.getHeader().setOpcode(Opcode.QUERY);
        response.addRecord(question, Section.QUESTION);
        if (servfails.contains(qname)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response.toWire(512);
        }
        Name name = qname;
        for (int hops = 0; hops < 8; hops++) {
            List<Record> at = zone.get(name);
            if (timeouts.contains(name) && (at == null || at.stream().noneMatch(
                    r -> r.getType() == question.getType() || r instanceof CNAMERecord))) {
                return null; // the suite's TIMEOUT: types the name has no records of time out
            }
            if (at == null) {
                response.getHeader().setRcode(hops == 0 ? Rcode.NXDOMAIN : Rcode.NOERROR);
                if (hops == 0) {
                    response.addRecord(soa(), Section.AUTHORITY);
                }
                return response.toWire(udpSize(query));
            }
            List<Record> match = new ArrayList<>();
            Record cname = null;
            for (Record r : at) {
                if (r.getType() == question.getType()) {
                    match.add(r);
                } else if (r instanceof CNAMERecord) {
                    cname = r;
                }
            }
            if (!match.isEmpty()) {
                match.forEach(r -> response.addRecord(r, Section.ANSWER));
                return response.toWire(udpSize(query));
            }
            if (cname == null) {
                response.addRecord(soa(), Section.AUTHORITY); // NODATA
                return response.toWire(udpSize(query));
            }
            response.addRecord(cname, Section.ANSWER);
            name = ((CNAMERecord) cname).getTarget();
        }
        response.getHeader().setRcode(Rcode.SERVFAIL);
        return response.toWire(512);
    }

    private static int udpSize(Message query) {
        org.xbill.DNS.OPTRecord opt = query.getOPT();
        return opt == null ? 512 : Math.max(512, opt.getPayloadSize());
    }

    private SOARecord soa() {
        long neg = negativeTtl;
        return new SOARecord(Name.root, DClass.IN, neg, Name.fromConstantString("ns.test."),
                Name.fromConstantString("hostmaster.test."), 1, 3600, 600, 86400, neg);
    }

    @Override
    public void close() {
        running = false;
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
