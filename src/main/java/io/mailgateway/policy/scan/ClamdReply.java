package io.mailgateway.policy.scan;

/**
 * clamd's answer to one {@code zINSTREAM} scan (clamd(8), "INSTREAM"): {@code stream: OK},
 * {@code stream: NAME FOUND}, or an error ending in {@code ERROR}, among them
 * {@code INSTREAM size limit exceeded. ERROR} when the stream passed its StreamMaxLength.
 *
 * @param kind   what clamd said
 * @param detail the signature name for {@link Kind#INFECTED}, the whole reply otherwise
 */
public record ClamdReply(Kind kind, String detail) {

    public enum Kind { CLEAN, INFECTED, SIZE_LIMIT, ERROR }

    /** One reply line without its terminating NUL (z-commands end replies with NUL, n-commands with LF). */
    public static ClamdReply parse(String line) {
        String reply = line.strip();
        if (reply.endsWith(" FOUND")) {
            String name = reply.substring(0, reply.length() - " FOUND".length());
            int colon = name.indexOf(": ");
            return new ClamdReply(Kind.INFECTED, colon >= 0 ? name.substring(colon + 2) : name);
        }
        if (reply.endsWith(": OK")) {
            return new ClamdReply(Kind.CLEAN, reply);
        }
        if (reply.startsWith("INSTREAM size limit exceeded")) {
            return new ClamdReply(Kind.SIZE_LIMIT, reply);
        }
        return new ClamdReply(Kind.ERROR, reply.isEmpty() ? "(empty reply)" : reply);
    }
}
