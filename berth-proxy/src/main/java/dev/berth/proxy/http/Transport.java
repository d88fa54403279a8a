package dev.berth.proxy.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll when the platform has it, NIO otherwise; one choice for server and client sockets. */
public record Transport(String name,
                        Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel) {

    public static Transport detect(boolean allowNative) {
        if (allowNative && Epoll.isAvailable()) {
            return new Transport("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return new Transport("nio", NioServerSocketChannel.class, NioSocketChannel.class);
    }

    public boolean isNative() {
        return "epoll".equals(name);
    }

    /** @param threads 0 for Netty's default (twice the cores) */
    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        DefaultThreadFactory tf = new DefaultThreadFactory(threadPrefix, true);
        return isNative() ? new EpollEventLoopGroup(threads, tf) : new NioEventLoopGroup(threads, tf);
    }
}
