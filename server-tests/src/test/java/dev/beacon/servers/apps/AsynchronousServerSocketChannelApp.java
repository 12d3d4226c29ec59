package dev.beacon.servers.apps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;

/** An NIO.2 {@link AsynchronousServerSocketChannel} on all interfaces. Args: {@code [port]}. */
public final class AsynchronousServerSocketChannelApp {

    private AsynchronousServerSocketChannelApp() {
    }

    public static void main(String[] args) throws Exception {
        AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()
                .bind(new InetSocketAddress(Apps.port(args, 0)));
        Apps.listening(((InetSocketAddress) server.getLocalAddress()).getPort());
        server.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
            @Override
            public void completed(AsynchronousSocketChannel client, Void attachment) {
                server.accept(null, this);
                // The request is small and the tests send one: read what arrives, then answer.
                client.read(ByteBuffer.allocate(8192), null, new CompletionHandler<Integer, Void>() {
                    @Override
                    public void completed(Integer read, Void a) {
                        client.write(ByteBuffer.wrap(Apps.HTTP_OK), null, new CompletionHandler<Integer, Void>() {
                            @Override
                            public void completed(Integer written, Void b) {
                                close(client);
                            }

                            @Override
                            public void failed(Throwable e, Void b) {
                                close(client);
                            }
                        });
                    }

                    @Override
                    public void failed(Throwable e, Void a) {
                        close(client);
                    }
                });
            }

            @Override
            public void failed(Throwable e, Void attachment) {
                System.err.println("accept failed: " + e);
            }
        });
        Apps.serveUntilKilled();
    }

    private static void close(AsynchronousSocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
