package io.mailgateway.message;

/**
 * Which local parts the gateway accepts at RCPT, so that no message is accepted for a recipient a
 * later stage cannot serve (refused with 553 5.1.3 instead). The rule, for every recipient:
 * the canonical local part must be an RFC 5321 dot-string: a quoted local part is fine when its
 * content is one ({@code "bob"} is {@code bob}), but content that needs the quotes (spaces,
 * ',', '&lt;', '&gt;', '@', '"', '\', a leading, trailing or double dot) is refused: such names are the
 * stuff of smuggling and of mailbox directory tricks, and almost no real mailbox has one.
 * For a LOCAL recipient, whose local part becomes a directory name, also refused: '/', '%'
 * and '!' (path separator; the percent and bang relay hacks of RFC 2505 2.9), and characters
 * that render as nothing or as space (Unicode controls, format characters such as bidi
 * overrides, separators, private use, unassigned). Non-ASCII letters are fine (SMTPUTF8,
 * NFC-normalized by the parser).
 */
public final class MailboxNames {

    private MailboxNames() {
    }

    public static boolean acceptable(Mailbox mailbox, Disposition disposition) {
        String local = mailbox.localPart();
        if (!AddressParser.isDotString(local)) {
            return false;
        }
        if (disposition == Disposition.RELAY) {
            return true;
        }
        for (int i = 0; i < local.length(); ) {
            int cp = local.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '/' || cp == '%' || cp == '!') {
                return false;
            }
            if (cp > 127 && !visible(cp)) {
                return false;
            }
        }
        return true;
    }

    /** A local part with the percent or bang relay hack in it ({@code user%elsewhere}, {@code elsewhere!user}). */
    public static boolean routesOnward(Mailbox mailbox) {
        String local = mailbox.localPart();
        return local.indexOf('%') >= 0 || local.indexOf('!') >= 0;
    }

    private static boolean visible(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }
}
