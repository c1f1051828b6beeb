package org.openpista.sandbox.wasm.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/** Reads the names a module exports from its binary (wasmtime-java lists imports only). */
final class ExportNames {

    private ExportNames() {}

    static Set<String> of(byte[] module) {
        Set<String> names = new HashSet<>();
        int[] pos = {8};
        while (pos[0] < module.length) {
            int id = module[pos[0]++] & 0xFF;
            int size = (int) leb(module, pos);
            int end = pos[0] + size;
            if (id == 7) {
                long count = leb(module, pos);
                for (long i = 0; i < count && pos[0] < end; i++) {
                    int length = (int) leb(module, pos);
                    names.add(new String(module, pos[0], length, StandardCharsets.UTF_8));
                    pos[0] += length + 1;
                    leb(module, pos);
                }
                return names;
            }
            pos[0] = end;
        }
        return names;
    }

    private static long leb(byte[] bytes, int[] pos) {
        long result = 0;
        int shift = 0;
        while (pos[0] < bytes.length) {
            int b = bytes[pos[0]++] & 0xFF;
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return result;
    }
}
