package dev.beacon.servers.apps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.Version;

import java.net.InetSocketAddress;

/**
 * Netty 4.2 on all interfaces, with the transport named by the first argument. Args: {@code nio|epoll [port]}.
 * {@code epoll} prints {@code epoll available: true}, or {@code epoll available: false: <cause>} and exits with
 * status 2: the native transport is never silently replaced by NIO.
 */
public final class NettyApp {

    private NettyApp() {
    }

    public static void main(String[] args) throws Exception {
        boolean epoll = args[0].equals("epoll");
        int port = Apps.port(args, 1);
        IoHandlerFactory io;
        Class<? extends ServerChannel> channelType;
        if (epoll) {
            if (!Epoll.isAvailable()) {
                System.out.println("epoll available: false: " + Epoll.unavailabilityCause());
                System.exit(2);
            }
            System.out.println("epoll available: true");
            io = EpollIoHandler.newFactory();
            channelType = EpollServerSocketChannel.class;
        } else {
            io = NioIoHandler.newFactory();
            channelType = NioServerSocketChannel.class;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel child) {
                        child.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                // The tests send one small request: answer its first bytes.
                                ReferenceCountUtil.release(msg);
                                ctx.writeAndFlush(Unpooled.wrappedBuffer(Apps.HTTP_OK))
                                        .addListener(ChannelFutureListener.CLOSE);
                            }
                        });
                    }
                })
                .bind(port).sync().channel();
        System.out.println("netty " + Version.identify().get("netty-transport").artifactVersion()
                + " transport " + channel.getClass().getSimpleName());
        Apps.listening(((InetSocketAddress) channel.localAddress()).getPort());
        channel.closeFuture().sync();
    }
}
