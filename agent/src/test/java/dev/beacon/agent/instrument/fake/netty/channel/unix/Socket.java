package dev.beacon.agent.instrument.fake.netty.channel.unix;

/**
 * Stands in for Netty's {@code io.netty.channel.unix.Socket} in {@code HookTransformerTest}: its name ends like
 * Netty's, and {@code listen(int)} has two exits and a way to fail, like the real one.
 */
public class Socket {

    private int backlog = -1;

    public void listen(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must not be negative, but was " + backlog);
        }
        if (backlog == 0) {
            this.backlog = 128;
            return;
        }
        this.backlog = backlog;
    }

    public int backlog() {
        return backlog;
    }

    /** Same name, other descriptor: not a hook. */
    public void listen(long backlog) {
        this.backlog = (int) backlog;
    }
}
