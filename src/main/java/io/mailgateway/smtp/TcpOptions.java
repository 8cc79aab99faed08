package io.mailgateway.smtp;

import io.mailgateway.config.Setting;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import java.util.function.Function;
import jdk.net.ExtendedSocketOptions;

/**
 * Kernel socket options of every accepted SMTP connection (TCP_KEEPALIVE_IDLE/_INTERVAL/_COUNT,
 * SOCKET_RECV_BUFFER, SOCKET_SEND_BUFFER). A zero leaves that option to the kernel (its sysctl
 * default; for the buffers, autotuning). Set on the listening socket too where the kernel only
 * honours it there: Linux picks the TCP window scale from the receive buffer while answering the
 * SYN, before Netty sees the accepted socket, so a receive buffer above 64 KiB must already be
 * on the listener (accepted sockets inherit it).
 *
 * @param keepIdle      seconds quiet before the first probe (TCP_KEEPIDLE), 0: kernel's
 * @param keepInterval  seconds between unanswered probes (TCP_KEEPINTVL), 0: kernel's
 * @param keepCount     unanswered probes before the connection is dropped (TCP_KEEPCNT), 0: kernel's
 * @param receiveBuffer SO_RCVBUF in octets, 0: kernel's autotuning
 * @param sendBuffer    SO_SNDBUF in octets, 0: kernel's autotuning
 */
public record TcpOptions(int keepIdle, int keepInterval, int keepCount, int receiveBuffer, int sendBuffer) {

    /** Smallest fixed buffer accepted: below this Linux silently raises it anyway. */
    static final int MIN_BUFFER = 4096;
    static final int MAX_BUFFER = 64 * 1024 * 1024;
    /** The check of SOCKET_RECV_BUFFER and SOCKET_SEND_BUFFER: 0, or a size the kernel keeps. */
    public static final Function<String, String> BUFFER_SIZE = Setting.zeroOrBetween(MIN_BUFFER, MAX_BUFFER, "the kernel's autotuning");
    /** Every option as the kernel has it (after BUFFER_SIZE: the constructor checks with it). */
    public static final TcpOptions KERNEL_DEFAULTS = new TcpOptions(0, 0, 0, 0, 0);

    public TcpOptions {
        if (keepIdle < 0 || keepInterval < 0 || keepCount < 0) {
            throw new IllegalArgumentException("keep-alive idle, interval and count must be 0 (kernel's) or positive");
        }
        String bad = BUFFER_SIZE.apply(String.valueOf(receiveBuffer));
        if (bad == null) {
            bad = BUFFER_SIZE.apply(String.valueOf(sendBuffer));
        }
        if (bad != null) {
            throw new IllegalArgumentException("socket buffer " + bad);
        }
    }

    /** Adds the options to the listener's bootstrap, in the native transport's or NIO's spelling. */
    void applyTo(ServerBootstrap bootstrap, boolean epoll) {
        if (receiveBuffer > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer); // window scale (see above)
            bootstrap.childOption(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        if (sendBuffer > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, sendBuffer);
        }
        if (keepIdle > 0) {
            bootstrap.childOption(epoll ? EpollChannelOption.TCP_KEEPIDLE
                    : NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), keepIdle);
        }
        if (keepInterval > 0) {
            bootstrap.childOption(epoll ? EpollChannelOption.TCP_KEEPINTVL
                    : NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), keepInterval);
        }
        if (keepCount > 0) {
            bootstrap.childOption(epoll ? EpollChannelOption.TCP_KEEPCNT
                    : NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), keepCount);
        }
    }
}
