package io.mailgateway.cli;

import io.mailgateway.store.archive.ArchiveReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code archive list YYYY-MM-DD}: the day's hour files with their message counts and queue IDs.
 * {@code archive extract YYYY-MM-DD [QUEUEID]}: the day's messages (or one) as an mbox on stdout.
 * Reads {@code $DATA_DIR/archive}.
 */
final class ArchiveCommand {

    static final String USAGE = "usage: java -jar mail-gateway.jar archive list YYYY-MM-DD\n"
            + "       java -jar mail-gateway.jar archive extract YYYY-MM-DD [QUEUEID] > out.mbox";

    private ArchiveCommand() {
    }

    /** @return the exit status: 0 done, 1 nothing found for extract QUEUEID, 2 usage error */
    static int run(List<String> args, Path dataDir, OutputStream stdout, PrintStream stderr) throws IOException {
        if (args.size() < 2 || args.size() > 3 || !(args.get(0).equals("list") || args.get(0).equals("extract"))
                || (args.get(0).equals("list") && args.size() != 2)) {
            stderr.println(USAGE);
            return 2;
        }
        LocalDate day;
        try {
            day = LocalDate.parse(args.get(1));
        } catch (DateTimeParseException e) {
            stderr.println("not a date (YYYY-MM-DD): " + args.get(1));
            return 2;
        }
        ArchiveReader reader = new ArchiveReader(dataDir.resolve("archive"), stderr::println);
        if (args.get(0).equals("list")) {
            PrintStream out = new PrintStream(stdout, true, java.nio.charset.StandardCharsets.UTF_8);
            int total = 0;
            for (ArchiveReader.Hour h : reader.list(day)) {
                out.printf("%s  %d message(s)%s  %s%n", h.file(), h.queueIds().size(),
                        h.duplicates() > 0 ? " (+" + h.duplicates() + " duplicate(s))" : "", String.join(" ", h.queueIds()));
                total += h.queueIds().size();
            }
            out.printf("%s: %d message(s)%n", day, total);
            return 0;
        }
        String queueId = args.size() == 3 ? args.get(2) : null;
        int n = reader.extract(day, queueId, stdout);
        stdout.flush();
        if (queueId != null && n == 0) {
            stderr.println("no message " + queueId + " in the archive of " + day);
            return 1;
        }
        return 0;
    }
}
