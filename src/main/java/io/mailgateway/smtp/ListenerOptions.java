package io.mailgateway.smtp;

/**
 * Tuning of one SMTP listener beyond {@link SmtpServerSettings}, fixed at start.
 *
 * @param tcp                 kernel options of each accepted connection
 * @param pipelineMaxCommands commands taken from one pipelined burst before input pauses until
 *                            their replies are written (PIPELINE_MAX_COMMANDS, RFC 2920)
 * @param relayQueue          the gateway keeps a delivery queue (QUEUE_ENABLED): relayed
 *                            recipients are taken; false refuses them at RCPT
 */
public record ListenerOptions(TcpOptions tcp, int pipelineMaxCommands, boolean relayQueue) {

    /** Kernel socket defaults, windows of 100 commands, relaying through the queue. */
    public static final ListenerOptions DEFAULTS = new ListenerOptions(TcpOptions.KERNEL_DEFAULTS, 100, true);

    public ListenerOptions {
        if (pipelineMaxCommands < 1) {
            throw new IllegalArgumentException("pipelineMaxCommands must be at least 1, got " + pipelineMaxCommands);
        }
    }
}
