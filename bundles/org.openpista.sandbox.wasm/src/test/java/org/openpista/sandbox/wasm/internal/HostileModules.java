package org.openpista.sandbox.wasm.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Hostile guests with the openpista ABI, assembled byte by byte (no wasm toolchain needed): a
 * {@code run} that recurses without end, and one that floods a standard stream with {@code
 * fd_write}.
 */
final class HostileModules {

    private static final int I32 = 0x7f;
    private static final int I64 = 0x7e;

    private HostileModules() {}

    /** {@code run} calls a function that calls itself (not in tail position) forever. */
    static byte[] recursion() {
        Module module = new Module();
        module.section(1, vec(functype(new int[] {I32}, new int[] {I32}), functype(new int[] {I32, I32}, new int[] {I64})));
        module.section(3, vec(u(0), u(1), u(0)));
        module.section(5, vec(bytes(0x00, 1)));
        module.section(7, vec(export("memory", 2, 0), export("alloc", 0, 0), export("run", 0, 1)));
        byte[] alloc = body(0, concat(i32(1024)));
        byte[] run = body(0, concat(bytes(0x20, 0), bytes(0x10, 2), bytes(0x1a), bytes(0x42, 0)));
        byte[] recurse = body(0, concat(bytes(0x20, 0), i32(1), bytes(0x6a), bytes(0x10, 2), i32(1), bytes(0x6a)));
        module.section(10, vec(alloc, run, recurse));
        return module.bytes();
    }

    /**
     * {@code run} writes {@code chunk} bytes of {@code x} to descriptor {@code fd} {@code times}
     * times with WASI's {@code fd_write}, then returns an empty output.
     */
    static byte[] flood(int fd, int chunk, int times) {
        if (chunk + 16 > 65_536) {
            throw new IllegalArgumentException("one page holds the chunk");
        }
        Module module = new Module();
        module.section(1, vec(functype(new int[] {I32}, new int[] {I32}), functype(new int[] {I32, I32}, new int[] {I64}),
                functype(new int[] {I32, I32, I32, I32}, new int[] {I32})));
        module.section(2, vec(concat(name("wasi_snapshot_preview1"), name("fd_write"), bytes(0x00, 2))));
        module.section(3, vec(u(0), u(1)));
        module.section(5, vec(bytes(0x00, 1)));
        module.section(7, vec(export("memory", 2, 0), export("alloc", 0, 1), export("run", 0, 2)));
        byte[] alloc = body(0, i32(65_536 - 64));
        byte[] loop = concat(bytes(0x03, 0x40), i32(fd), i32(0), i32(1), i32(8), bytes(0x10, 0, 0x1a),
                bytes(0x20, 2), i32(1), bytes(0x6a, 0x22, 2), i32(times), bytes(0x49, 0x0d, 0, 0x0b));
        byte[] run = body(1, concat(loop, bytes(0x42, 0)));
        module.section(10, vec(alloc, run));
        byte[] iovec = concat(le32(16), le32(chunk));
        byte[] text = new byte[chunk];
        Arrays.fill(text, (byte) 'x');
        module.section(11, vec(segment(0, iovec), segment(16, text)));
        return module.bytes();
    }

    private static final class Module {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Module() {
            out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        }

        void section(int id, byte[] content) {
            out.write(id);
            out.writeBytes(u(content.length));
            out.writeBytes(content);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static byte[] functype(int[] params, int[] results) {
        return concat(bytes(0x60), u(params.length), bytes(params), u(results.length), bytes(results));
    }

    private static byte[] export(String name, int kind, int index) {
        return concat(name(name), bytes(kind), u(index));
    }

    /** One function body: {@code i32Locals} extra i32 locals, the code, {@code end}. */
    private static byte[] body(int i32Locals, byte[] code) {
        byte[] locals = i32Locals == 0 ? u(0) : concat(u(1), u(i32Locals), bytes(I32));
        byte[] content = concat(locals, code, bytes(0x0b));
        return concat(u(content.length), content);
    }

    private static byte[] segment(int offset, byte[] data) {
        return concat(bytes(0x00), i32(offset), bytes(0x0b), u(data.length), data);
    }

    private static byte[] name(String text) {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return concat(u(utf8.length), utf8);
    }

    private static byte[] vec(byte[]... items) {
        return concat(u(items.length), concat(items));
    }

    /** {@code i32.const value} with a signed LEB128 immediate. */
    private static byte[] i32(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x41);
        long v = value;
        while (true) {
            int b = (int) (v & 0x7f);
            v >>= 7;
            boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
            out.write(done ? b : b | 0x80);
            if (done) {
                return out.toByteArray();
            }
        }
    }

    private static byte[] u(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MemoryCap.writeLeb(out, value);
        return out.toByteArray();
    }

    private static byte[] le32(int value) {
        return new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)};
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
