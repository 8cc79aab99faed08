package io.mailgateway.smtp;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/** The open sessions of one listener, so shutdown can tell each of them to come back later. */
final class ConnectionTracker {

    private final ChannelGroup channels = new DefaultChannelGroup("smtp-sessions", GlobalEventExecutor.INSTANCE);
    private volatile boolean stopping;

    void add(Channel channel) {
        channels.add(channel);
    }

    /** The sessions open now. */
    ChannelGroup channels() {
        return channels;
    }

    boolean isStopping() {
        return stopping;
    }

    ChannelGroup beginShutdown() {
        stopping = true;
        return channels;
    }
}
