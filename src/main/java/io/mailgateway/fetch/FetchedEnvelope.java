package io.mailgateway.fetch;

import io.mailgateway.message.Client;
import io.mailgateway.message.Disposition;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.MessageContent;
import io.mailgateway.message.QueueIds;
import io.mailgateway.message.Recipient;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.mail.MailConfiguration;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Route step {@code fetchedEnvelope}, first of a fetch route: turns a message camel-mail polled
 * from a remote mailbox into the exchange the SMTP listener would have made (body
 * {@link MessageContent}, the same {@link MailHeaders}), so the inbound steps and the broker write
 * work unchanged:
 * <ul>
 * <li>body: the message's raw octets as the server keeps them (no MIME re-encoding), spooled to
 *     $DATA_DIR/spool, never whole in the heap; the file is deleted when the exchange is done;</li>
 * <li>envelope: the sender from Return-Path (what the last SMTP hop recorded, RFC 5321 4.4), else
 *     From, else the null sender; one LOCAL recipient, the mailbox owner given by the route in the
 *     exchange property {@value #RECIPIENT} (a mailbox's headers do not say who it belongs to:
 *     To/Cc may name a list or nobody, Bcc is gone); the "client" is the mail server it came from;</li>
 * <li>a new queue ID, protocol IMAP or POP3, the time of the fetch, the size.</li>
 * </ul>
 * A message that turns out longer than SMTP_MAX_MESSAGE_SIZE while spooled (its server announced
 * less) fails the exchange, stays at the source and is left out of later polls ({@link FetchLimits}).
 */
public final class FetchedEnvelope implements Processor {

    /** Exchange property the route sets: the local address fetched mail is for. */
    public static final String RECIPIENT = "MailFetchRecipient";

    private final Path spool;
    private final FetchLimits limits;

    public FetchedEnvelope(Path spool, FetchLimits limits) {
        this.spool = spool;
        this.limits = limits;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        jakarta.mail.Message mail = exchange.getIn(MailMessage.class).getOriginalMessage();
        String owner = exchange.getProperty(RECIPIENT, String.class);
        if (owner == null || owner.isBlank()) {
            throw new IllegalStateException("fetch route " + exchange.getFromRouteId() + " sets no " + RECIPIENT
                    + " (FETCH_RECIPIENT): whose mailbox is this?");
        }
        MailConfiguration source = ((MailEndpoint) exchange.getFromEndpoint()).getConfiguration();
        MessageContent content = spool(mail);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                content.release();
            }
        });
        Envelope envelope = new Envelope(sender(mail), Map.of(),
                List.of(Recipient.of(Mailbox.of(owner.strip()), Disposition.LOCAL)), client(source));
        in.setBody(content);
        in.setHeader(MailHeaders.QUEUE_ID, QueueIds.next());
        EnvelopeCodec.write(in, envelope);
        in.setHeader(MailHeaders.PROTOCOL, source.getProtocol().startsWith("pop3") ? "POP3" : "IMAP");
        in.setHeader(MailHeaders.RECEIVED_AT, System.currentTimeMillis());
        in.setHeader(MailHeaders.SIZE, content.size());
    }

    private MessageContent spool(jakarta.mail.Message mail) throws IOException, MessagingException {
        Files.createDirectories(spool);
        // *.eml: a file left by a crash is swept at the next start, like the listener's spool files
        Path file = Files.createTempFile(spool, "fetched-", ".eml");
        try (OutputStream out = new Capped(Files.newOutputStream(file), limits.maxSize())) {
            mail.writeTo(out); // IMAP: BODY.PEEK[] (camel-mail's peek), so nothing is flagged \Seen yet
        } catch (TooBig e) {
            // more octets than the server announced (fetchLimits let it through on that size)
            Files.deleteIfExists(file);
            limits.refuse(mail, "over SMTP_MAX_MESSAGE_SIZE " + limits.maxSize() + " when read");
            throw new IllegalStateException("fetched message over SMTP_MAX_MESSAGE_SIZE: left at the source", e);
        } catch (IOException | MessagingException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return MessageContent.inSpoolFile(file, Files.size(file));
    }

    private static final class TooBig extends IOException {
        TooBig() {
            super("message over the size limit");
        }
    }

    /** Fails the write past {@code max} octets: a fetched message never costs more disk than SMTP would allow. */
    private static final class Capped extends java.io.FilterOutputStream {
        private final long max;
        private long written;

        Capped(OutputStream out, long max) {
            super(out);
            this.max = max;
        }

        @Override
        public void write(int b) throws IOException {
            count(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count(len);
            out.write(b, off, len);
        }

        private void count(int n) throws TooBig {
            written += n;
            if (written > max) {
                throw new TooBig();
            }
        }
    }

    /** Return-Path (topmost: the final delivery's), else the first From, else {@code <>}. */
    static Mailbox sender(jakarta.mail.Message mail) throws MessagingException {
        String[] returnPath = mail.getHeader("Return-Path");
        if (returnPath != null && returnPath.length > 0) {
            String path = returnPath[0].strip();
            if (path.startsWith("<") && path.endsWith(">")) {
                path = path.substring(1, path.length() - 1).strip();
            }
            if (path.isEmpty()) {
                return Mailbox.NULL;
            }
            java.util.Optional<Mailbox> parsed = Mailbox.parse(path);
            if (parsed.isPresent()) {
                return parsed.get();
            }
        }
        try {
            Address[] from = mail.getFrom();
            if (from != null && from.length > 0 && from[0] instanceof InternetAddress a && a.getAddress() != null) {
                return Mailbox.parse(a.getAddress()).orElse(Mailbox.NULL);
            }
        } catch (MessagingException malformed) {
            // a From: no parser accepts: no sender we could ever answer to
        }
        return Mailbox.NULL;
    }

    /** The server the message came from, in place of an SMTP client: its address and name, TLS or not. */
    private static Client client(MailConfiguration source) {
        String host = source.getHost();
        String address;
        try {
            address = InetAddress.getByName(host).getHostAddress(); // resolved already by the mail client's connect
        } catch (UnknownHostException e) {
            address = "0.0.0.0";
        }
        // imaps/pop3s: TLS whose version the mail client does not tell us
        String tls = source.getProtocol().toLowerCase(Locale.ROOT).endsWith("s") ? "TLS" : null;
        return new Client(address, host, tls, null);
    }
}
