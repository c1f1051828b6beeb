package org.openpista.sandbox.wasm.internal;

import java.io.ByteArrayOutputStream;

/**
 * Caps a module's linear memory by rewriting the limits in its binary: every memory it defines or
 * imports gets a maximum of at most {@code maxPages} (64 KiB each). {@code memory.grow} beyond it
 * then fails inside the module the way the specification says (it returns -1), which allocators
 * turn into a trap. The same limit holds whichever engine runs the module, without relying on an
 * engine feature. A module whose initial memory is already above the cap is refused.
 */
final class MemoryCap {

    static final int PAGE = 64 * 1024;

    private MemoryCap() {}

    /**
     * @return the module with capped memories
     * @throws IllegalArgumentException when it is not a wasm module or needs more memory at start
     */
    static byte[] limit(byte[] module, int maxPages) {
        if (module.length < 8 || module[0] != 0 || module[1] != 'a' || module[2] != 's' || module[3] != 'm') {
            throw new IllegalArgumentException("not a WebAssembly module (bad magic number)");
        }
        if (module[4] != 1 || module[5] != 0 || module[6] != 0 || module[7] != 0) {
            throw new IllegalArgumentException("not a WebAssembly 1.0 core module (a component or an unknown version)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(module.length + 16);
        out.write(module, 0, 8);
        Reader in = new Reader(module, 8);
        while (in.pos < module.length) {
            int id = in.u8();
            int size = (int) in.leb();
            int start = in.pos;
            if (start + size > module.length || size < 0) {
                throw new IllegalArgumentException("the module is truncated");
            }
            byte[] payload;
            if (id == 5) {
                payload = memorySection(new Reader(module, start), maxPages);
            } else if (id == 2) {
                payload = importSection(new Reader(module, start), start + size, maxPages);
            } else {
                payload = java.util.Arrays.copyOfRange(module, start, start + size);
            }
            out.write(id);
            writeLeb(out, payload.length);
            out.write(payload, 0, payload.length);
            in.pos = start + size;
        }
        return out.toByteArray();
    }

    private static byte[] memorySection(Reader in, int maxPages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long count = in.leb();
        writeLeb(out, count);
        for (long i = 0; i < count; i++) {
            limits(in, out, maxPages);
        }
        return out.toByteArray();
    }

    private static byte[] importSection(Reader in, int end, int maxPages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long count = in.leb();
        writeLeb(out, count);
        for (long i = 0; i < count; i++) {
            copyName(in, out);
            copyName(in, out);
            int kind = in.u8();
            out.write(kind);
            switch (kind) {
                case 0x00 -> writeLeb(out, in.leb());
                case 0x01 -> {
                    out.write(in.u8());
                    copyLimits(in, out);
                }
                case 0x02 -> limits(in, out, maxPages);
                case 0x03 -> {
                    out.write(in.u8());
                    out.write(in.u8());
                }
                case 0x04 -> {
                    out.write(in.u8());
                    writeLeb(out, in.leb());
                }
                default -> throw new IllegalArgumentException("unknown import kind " + kind);
            }
        }
        if (in.pos != end) {
            throw new IllegalArgumentException("the import section is malformed");
        }
        return out.toByteArray();
    }

    private static void limits(Reader in, ByteArrayOutputStream out, int maxPages) {
        int flags = in.u8();
        if ((flags & 0x04) != 0) {
            throw new IllegalArgumentException("64-bit memories are not supported");
        }
        long min = in.leb();
        long max = (flags & 0x01) != 0 ? in.leb() : Long.MAX_VALUE;
        if (min > maxPages) {
            throw new IllegalArgumentException("the module needs " + min * PAGE / (1024 * 1024) + " MB of memory at start,"
                    + " more than the limit of " + (long) maxPages * PAGE / (1024 * 1024) + " MB");
        }
        out.write(flags | 0x01);
        writeLeb(out, min);
        writeLeb(out, Math.min(max, maxPages));
    }

    private static void copyLimits(Reader in, ByteArrayOutputStream out) {
        int flags = in.u8();
        out.write(flags);
        writeLeb(out, in.leb());
        if ((flags & 0x01) != 0) {
            writeLeb(out, in.leb());
        }
    }

    private static void copyName(Reader in, ByteArrayOutputStream out) {
        int length = (int) in.leb();
        writeLeb(out, length);
        out.write(in.bytes, in.pos, length);
        in.pos += length;
    }

    static void writeLeb(ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7F);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    /** A cursor over the module's bytes. */
    private static final class Reader {
        final byte[] bytes;
        int pos;

        Reader(byte[] bytes, int pos) {
            this.bytes = bytes;
            this.pos = pos;
        }

        int u8() {
            if (pos >= bytes.length) {
                throw new IllegalArgumentException("the module is truncated");
            }
            return bytes[pos++] & 0xFF;
        }

        long leb() {
            long result = 0;
            int shift = 0;
            while (true) {
                int b = u8();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
                shift += 7;
                if (shift > 35) {
                    throw new IllegalArgumentException("a number in the module is too long");
                }
            }
        }
    }
}
