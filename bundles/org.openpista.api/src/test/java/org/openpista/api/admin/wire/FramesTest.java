package org.openpista.api.admin.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin socket's frames over a real Unix domain socket. */
class FramesTest {

    @TempDir
    Path dir;

    @Test
    void framesAndFieldsArriveAsSent() throws IOException {
        try (Connected pair = connect()) {
            Frames.write(pair.client(), Frames.CLI, Frames.fields("/home/config.toml", "shell", "-c", "lb ü", ""));
            Frames.write(pair.client(), Frames.OUT, "text");
            pair.client().shutdownOutput();

            Frames.Frame cli = Frames.read(pair.server(), Frames.MAX_COMMAND);
            assertThat((char) cli.type()).isEqualTo('L');
            assertThat(cli.fields()).containsExactly("/home/config.toml", "shell", "-c", "lb ü", "");
            Frames.Frame out = Frames.read(pair.server(), Frames.MAX_COMMAND);
            assertThat(out.text()).isEqualTo("text");
            assertThat(Frames.read(pair.server(), Frames.MAX_COMMAND)).as("the end of the stream").isNull();
        }
    }

    @Test
    void oversizedAndCutOffFramesAreRefused() throws IOException {
        try (Connected pair = connect()) {
            Frames.write(pair.client(), Frames.COMMAND, new byte[11]);
            assertThatThrownBy(() -> Frames.read(pair.server(), 10)).hasMessageContaining("at most 10");
        }
        try (Connected pair = connect()) {
            pair.client().write(ByteBuffer.wrap(new byte[] {'C', 0, 0, 0, 9, 'x'}));
            pair.client().shutdownOutput();
            assertThatThrownBy(() -> Frames.read(pair.server(), 10)).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void fieldsThatDoNotFitThePayloadAreRefused() {
        Frames.Frame cut = new Frames.Frame(Frames.RUN, new byte[] {0, 0, 0, 5, 'a'});
        assertThatThrownBy(cut::fields).hasMessageContaining("a field of 5 bytes");
        Frames.Frame half = new Frames.Frame(Frames.RUN, new byte[] {0, 0});
        assertThatThrownBy(half::fields).hasMessageContaining("cut off");
    }

    private Connected connect() throws IOException {
        Path socket = dir.resolve("s" + System.nanoTime() + ".sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        return new Connected(server, client, server.accept());
    }

    private record Connected(ServerSocketChannel listener, SocketChannel client, SocketChannel server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            listener.close();
        }
    }

    @Test
    void outputFramesAreCopiedToTheirStreamAndOthersAreLeft() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] text = "é\n".getBytes(StandardCharsets.UTF_8);

        assertThat(new Frames.Frame(Frames.OUT, text).copyOutput(out, err)).isTrue();
        assertThat(new Frames.Frame(Frames.ERR, "warning".getBytes(StandardCharsets.UTF_8)).copyOutput(out, err)).isTrue();
        assertThat(new Frames.Frame(Frames.STATUS, "0".getBytes(StandardCharsets.UTF_8)).copyOutput(out, err)).isFalse();

        assertThat(out.toByteArray()).isEqualTo(text);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("warning");
    }
}
