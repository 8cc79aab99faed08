package io.mailgateway.delivery;

import io.mailgateway.message.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One mail transaction (RFC 5321 3.3) on an open connection: MAIL, the RCPTs, DATA and the
 * content, with PIPELINING (RFC 2920) when offered, and a final reply per recipient. When the
 * next hop offers CHUNKING and BDAT_CHUNK_SIZE is not 0, BDAT chunks (RFC 3030) carry the content
 * instead of DATA: no dot-stuffing, and the receiver need not scan for the end of data.
 */
final class RelayTransaction {

    private final SmtpConnection conn;
    private final RelayEnvelope envelope;
    private final MessageContent message;
    private final Duration commandTimeout;
    private final Duration dataTimeout;
    /** Octets per BDAT chunk; 0: always DATA. */
    private final int bdatChunkSize;
    private final Map<String, RemoteReply> results = new LinkedHashMap<>();
    /** Whether any reply of this transaction arrived (a reused connection found dead gets none). */
    private boolean anyReply;
    /** The reply to MAIL FROM was 421: the server closed the connection before this transaction began. */
    private boolean closingAtMail;

    RelayTransaction(SmtpConnection conn, RelayEnvelope envelope, MessageContent message,
            Duration commandTimeout, Duration dataTimeout, int bdatChunkSize) {
        this.bdatChunkSize = bdatChunkSize;
        this.conn = conn;
        this.envelope = envelope;
        this.message = message;
        this.commandTimeout = commandTimeout;
        this.dataTimeout = dataTimeout;
    }

    boolean anyReply() {
        return anyReply;
    }

    /**
     * Whether the server answered MAIL FROM with 421 (RFC 5321 3.8: closing the channel), so
     * nothing of this message was delivered: on a reused connection that is the server ending
     * the connection (too many messages on it, its idle timeout), not a verdict on this message.
     */
    boolean closingAtMail() {
        return closingAtMail;
    }

    /** Runs the transaction; recipients left without a reply on a failure get the failure's made-up reply. */
    Map<String, RemoteReply> run() {
        try {
            transact();
        } catch (RelayIoException e) {
            envelope.recipients().forEach(r -> results.putIfAbsent(r, e.reply()));
        } catch (IOException | java.io.UncheckedIOException e) {
            // Our own message could not be read: nothing the remote did; the stream is half sent.
            conn.abort();
            RemoteReply reply = new RemoteReply(451, "4.3.0 local error reading the message: " + e.getMessage());
            envelope.recipients().forEach(r -> results.putIfAbsent(r, reply));
        }
        Map<String, RemoteReply> ordered = new LinkedHashMap<>();
        RemoteReply unanswered = RelayReplies.lostConnection(conn.host(), "in a transaction");
        envelope.recipients().forEach(r -> ordered.put(r, results.getOrDefault(r, unanswered)));
        return ordered;
    }

    private void transact() throws RelayIoException, IOException {
        // Addresses go into command lines: a control character (CR, LF...) or a bracket would
        // let one address inject commands. Our SMTP listener never accepts such an address.
        if (!wellFormed(envelope.mailFrom())) {
            envelope.recipients().forEach(r -> results.put(r, new RemoteReply(553, "5.1.7 bad sender address syntax")));
            return;
        }
        envelope.recipients().stream().filter(r -> !wellFormed(r) || r.isEmpty())
                .forEach(r -> results.put(r, new RemoteReply(553, "5.1.3 bad recipient address syntax")));
        boolean utf8Offered = conn.offers("SMTPUTF8");
        if (!isAscii(envelope.mailFrom()) && !utf8Offered) {
            envelope.recipients().forEach(r -> results.put(r, RelayReplies.needsSmtputf8(conn.host())));
            return;
        }
        List<String> rcpts = new ArrayList<>();
        boolean utf8 = !isAscii(envelope.mailFrom());
        for (String r : envelope.recipients()) {
            if (results.containsKey(r)) {
                continue; // already refused
            } else if (isAscii(r)) {
                rcpts.add(r);
            } else if (utf8Offered) {
                rcpts.add(r);
                utf8 = true;
            } else {
                results.put(r, RelayReplies.needsSmtputf8(conn.host())); // RFC 6531 3.7.5
            }
        }
        if (rcpts.isEmpty()) {
            return;
        }
        long limit = conn.sizeLimit();
        if (limit > 0 && envelope.size() > limit) {
            rcpts.forEach(r -> results.put(r, RelayReplies.tooBig(conn.host(), limit)));
            return;
        }
        String mail = mailCommand(utf8);
        if (conn.offers("PIPELINING")) {
            pipelined(mail, rcpts);
        } else {
            stepByStep(mail, rcpts);
        }
    }

    /**
     * MAIL FROM with SIZE= (RFC 1870) and BODY=8BITMIME (RFC 6152) whenever offered: 7-bit
     * content is valid 8BITMIME content, and declaring it always spares a pass over a large
     * spooled message to look for 8-bit octets first.
     */
    private String mailCommand(boolean utf8) {
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(envelope.mailFrom()).append('>');
        if (conn.offers("SIZE")) {
            mail.append(" SIZE=").append(envelope.size());
        }
        if (conn.offers("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8) {
            mail.append(" SMTPUTF8"); // RFC 6531 3.4
        }
        return mail.toString();
    }

    /** RFC 3030: BDAT when the next hop offers CHUNKING and chunks are not turned off. */
    private boolean chunking() {
        return bdatChunkSize > 0 && conn.offers("CHUNKING");
    }

    /**
     * RFC 2920: MAIL, every RCPT and DATA in one write, then the replies in order. With BDAT
     * the batch ends after the RCPTs: the first chunk goes once they are answered, so a message
     * whose recipients are all refused is never sent.
     */
    private void pipelined(String mail, List<String> rcpts) throws RelayIoException, IOException {
        boolean bdat = chunking();
        String[] batch = new String[rcpts.size() + (bdat ? 1 : 2)];
        batch[0] = mail;
        for (int i = 0; i < rcpts.size(); i++) {
            batch[i + 1] = "RCPT TO:<" + rcpts.get(i) + ">";
        }
        if (!bdat) {
            batch[batch.length - 1] = "DATA";
        }
        conn.write(batch);
        ClientReply mailReply = read(commandTimeout, "sending MAIL FROM");
        if (mailReply.code() == 421) {
            closingAtMail = true;
            rcpts.forEach(r -> results.put(r, mailReply.toRemote())); // closing: no more replies
            return;
        }
        List<String> accepted = new ArrayList<>();
        for (String r : rcpts) {
            ClientReply reply = read(commandTimeout, "sending RCPT TO");
            if (!mailReply.isPositive()) {
                results.put(r, mailReply.toRemote());
            } else if (reply.isPositive()) {
                accepted.add(r);
            } else {
                results.put(r, refusedRecipient(reply));
            }
        }
        if (bdat) {
            chunks(accepted);
            return;
        }
        ClientReply data = read(commandTimeout, "sending DATA");
        if (data.code() == 354 && accepted.isEmpty()) {
            // RFC 2920 3.1: DATA accepted with no valid recipient; end it with an empty message.
            conn.write(".");
            read(dataTimeout, "ending an empty DATA");
            return;
        }
        content(data, accepted);
    }

    /**
     * A refused RCPT as that recipient's result. A 552 is taken as 452 (enhanced code 5.x.y as
     * 4.x.y): RFC 821 listed 552 for "too many recipients", and RFC 5321 4.5.3.1.10 asks clients
     * to treat it as temporary, so those recipients go in a later transaction instead of bouncing.
     */
    static RemoteReply refusedRecipient(ClientReply reply) {
        RemoteReply remote = reply.toRemote();
        if (remote.code() != 552) {
            return remote;
        }
        String text = remote.text();
        return new RemoteReply(452, text.matches("5\\.\\d{1,3}\\.\\d{1,3}( .*)?") ? "4" + text.substring(1) : text);
    }

    private void stepByStep(String mail, List<String> rcpts) throws RelayIoException, IOException {
        ClientReply mailReply = conn.command(mail, commandTimeout, "sending MAIL FROM");
        anyReply = true;
        closingAtMail = mailReply.code() == 421;
        if (!mailReply.isPositive()) {
            rcpts.forEach(r -> results.put(r, mailReply.toRemote()));
            return;
        }
        List<String> accepted = new ArrayList<>();
        for (String r : rcpts) {
            ClientReply reply = conn.command("RCPT TO:<" + r + ">", commandTimeout, "sending RCPT TO");
            if (reply.isPositive()) {
                accepted.add(r);
            } else {
                results.put(r, refusedRecipient(reply));
            }
            if (reply.code() == 421) {
                rcpts.forEach(x -> results.putIfAbsent(x, reply.toRemote())); // closing: no DATA
                return;
            }
        }
        if (accepted.isEmpty()) {
            return; // no DATA: the pool's RSET ends the transaction
        }
        if (chunking()) {
            chunks(accepted);
            return;
        }
        content(conn.command("DATA", commandTimeout, "sending DATA"), accepted);
    }

    private void content(ClientReply data, List<String> accepted) throws RelayIoException, IOException {
        if (data.code() != 354) {
            // RFC 5321 4.3.2: DATA's only go-ahead is 354, and a 4xx or 5xx refuses it. Anything
            // else (a 250 taken as final would mark every recipient delivered with no content
            // sent) is a server out of step: retry later on a new connection.
            boolean refused = data.code() / 100 == 4 || data.code() / 100 == 5;
            RemoteReply reply = refused ? data.toRemote() : RelayReplies.unexpectedReply(conn.host(), "DATA", data);
            if (!refused) {
                conn.abort();
            }
            accepted.forEach(r -> results.put(r, reply));
            return;
        }
        try (InputStream in = message.openStream()) {
            conn.sendData(in, dataTimeout);
        }
        ClientReply end = read(dataTimeout, "waiting for the reply to end of data");
        accepted.forEach(r -> results.put(r, end.toRemote()));
        conn.countTransaction();
    }

    /** The content as BDAT chunks; the last chunk's reply (or a refused chunk's) is every accepted recipient's. */
    private void chunks(List<String> accepted) throws RelayIoException, IOException {
        if (accepted.isEmpty()) {
            return; // no content: the pool's RSET ends the transaction
        }
        ClientReply end;
        try (InputStream in = message.openStream()) {
            end = BdatSender.send(conn, in, bdatChunkSize, conn.offers("PIPELINING"), dataTimeout);
        }
        accepted.forEach(r -> results.put(r, end.toRemote()));
        conn.countTransaction();
    }

    private ClientReply read(Duration timeout, String phase) throws RelayIoException {
        ClientReply reply = conn.read(timeout, phase);
        anyReply = true;
        return reply;
    }

    private static boolean wellFormed(String address) {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '<' || c == '>') {
                return false;
            }
        }
        return true;
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
