package io.mailgateway.backup;

import java.nio.file.Path;

/** One thing a backup holds (the database, the broker's messages), written into the backup's directory. */
public interface BackupPart {

    /** Writes this part under {@code dir}; returns one line for the log or the command's output. */
    String writeInto(Path dir) throws Exception;
}
