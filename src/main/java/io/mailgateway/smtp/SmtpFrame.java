package io.mailgateway.smtp;

import io.netty.buffer.ByteBuf;

/** What {@link SmtpFrameDecoder} hands to the session: a command line, or a piece of message content. */
public sealed interface SmtpFrame {

    /** Why a command line could not be used as it is. */
    enum Problem { NONE, TOO_LONG, NUL }

    /** One command line without its line ending. */
    record CommandLine(String text, Problem problem) implements SmtpFrame {
        public static CommandLine tooLong() {
            return new CommandLine("", Problem.TOO_LONG);
        }
    }

    /**
     * Message bytes from DATA (already dot-unstuffed, terminator removed) or from a BDAT chunk.
     * {@code end} marks the last piece of the DATA body or of the current BDAT chunk.
     * The receiver owns {@code bytes} and must release it.
     */
    record Content(ByteBuf bytes, boolean end) implements SmtpFrame {
    }
}
