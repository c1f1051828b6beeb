package org.openpista.sandbox.docker.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.openpista.api.sandbox.SandboxPaths;

/**
 * Builds the tar stream copied into a container's working directory: the task's files, the worker
 * script, its token and input, all owned by the sandbox user so the task can read them and the
 * worker can delete its token. Every path is checked to stay inside the working directory.
 */
final class TarBuilder {

    private final int uid;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, Integer> modes = new LinkedHashMap<>();

    TarBuilder(int uid) {
        this.uid = uid;
    }

    /**
     * @param relative a relative path, checked to stay in the working directory
     * @throws IllegalArgumentException when it does not
     */
    TarBuilder add(String relative, byte[] content, int mode) {
        SandboxPaths.inside(Path.of("/sandbox"), relative);
        files.put(relative, content);
        modes.put(relative, mode);
        return this;
    }

    TarBuilder add(String relative, String content, int mode) {
        return add(relative, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    byte[] build() throws IOException {
        TreeSet<String> dirs = new TreeSet<>();
        for (String name : files.keySet()) {
            String parent = name;
            while (parent.contains("/")) {
                parent = parent.substring(0, parent.lastIndexOf('/'));
                dirs.add(parent);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (String dir : dirs) {
                TarArchiveEntry entry = new TarArchiveEntry(dir + "/");
                entry.setMode(040755);
                own(entry);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setMode(0100000 | modes.get(file.getKey()));
                entry.setSize(file.getValue().length);
                own(entry);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return bytes.toByteArray();
    }

    private void own(TarArchiveEntry entry) {
        entry.setUserId(uid);
        entry.setGroupId(uid);
    }
}
