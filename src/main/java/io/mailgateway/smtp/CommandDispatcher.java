package io.mailgateway.smtp;

import io.mailgateway.reply.SmtpReply;
import java.util.Locale;
import java.util.Map;

/** Finds the command for a line by its verb and runs it. */
final class CommandDispatcher {

    private final Map<String, SmtpCommand> commands = Map.ofEntries(
            Map.entry("EHLO", HelloCommands.EHLO),
            Map.entry("HELO", HelloCommands.HELO),
            Map.entry("MAIL", new MailCommand()),
            Map.entry("RCPT", new RcptCommand()),
            Map.entry("DATA", ContentCommands.DATA),
            Map.entry("BDAT", ContentCommands.BDAT),
            Map.entry("RSET", SimpleCommands.RSET),
            Map.entry("NOOP", SimpleCommands.NOOP),
            Map.entry("QUIT", SimpleCommands.QUIT),
            Map.entry("VRFY", SimpleCommands.VRFY),
            Map.entry("HELP", SimpleCommands.HELP),
            Map.entry("EXPN", SimpleCommands.NOT_IMPLEMENTED),
            Map.entry("STARTTLS", SimpleCommands.STARTTLS),
            Map.entry("AUTH", new AuthCommand()),
            Map.entry("ETRN", SimpleCommands.NOT_IMPLEMENTED),
            Map.entry("TURN", SimpleCommands.NOT_IMPLEMENTED));

    SmtpReply dispatch(SmtpSession session, String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String args = space < 0 ? "" : line.substring(space + 1);
        SmtpCommand command = commands.get(verb);
        return command == null ? SmtpReplies.UNKNOWN_COMMAND : command.execute(session, args);
    }
}
