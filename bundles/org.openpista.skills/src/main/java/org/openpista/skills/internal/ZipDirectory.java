package org.openpista.skills.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the central directory of a zip file for what {@link java.util.zip.ZipEntry} does not show:
 * the Unix mode in each entry's external attributes, which tells a symbolic link from a file.
 */
final class ZipDirectory {

    private static final int EOCD = 0x06054b50;
    private static final int CENTRAL = 0x02014b50;

    private ZipDirectory() {}

    /** @return entry name to Unix mode (0 when the archive did not record one), in directory order */
    static Map<String, Integer> unixModes(Path zip) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            long size = channel.size();
            int tail = (int) Math.min(size, 65_557);
            ByteBuffer end = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(end, size - tail);
            int at = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (end.getInt(i) == EOCD) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                throw new IOException("not a zip archive (no end of central directory)");
            }
            int entries = Short.toUnsignedInt(end.getShort(at + 10));
            long dirSize = Integer.toUnsignedLong(end.getInt(at + 12));
            long dirOffset = Integer.toUnsignedLong(end.getInt(at + 16));
            if (dirOffset + dirSize > size || dirSize > 64L * 1024 * 1024) {
                throw new IOException("the zip's central directory is damaged");
            }
            ByteBuffer dir = ByteBuffer.allocate((int) dirSize).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(dir, dirOffset);
            Map<String, Integer> modes = new LinkedHashMap<>();
            int pos = 0;
            for (int i = 0; i < entries; i++) {
                if (pos + 46 > dirSize || dir.getInt(pos) != CENTRAL) {
                    throw new IOException("the zip's central directory is damaged");
                }
                int madeBy = Short.toUnsignedInt(dir.getShort(pos + 4)) >> 8;
                int nameLength = Short.toUnsignedInt(dir.getShort(pos + 28));
                int extraLength = Short.toUnsignedInt(dir.getShort(pos + 30));
                int commentLength = Short.toUnsignedInt(dir.getShort(pos + 32));
                int external = dir.getInt(pos + 38);
                if (pos + 46 + nameLength > dirSize) {
                    throw new IOException("the zip's central directory is damaged");
                }
                byte[] name = new byte[nameLength];
                dir.get(pos + 46, name);
                // 3 = Unix: the high 16 bits hold st_mode
                int mode = madeBy == 3 ? (external >>> 16) & 0xFFFF : 0;
                modes.put(new String(name, StandardCharsets.UTF_8), mode);
                pos += 46 + nameLength + extraLength + commentLength;
            }
            return modes;
        }
    }
}
