package org.openpista.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A stand-in for the WhatsApp bridge (a bash script speaking its JSON-lines protocol), for the
 * channel's tests and the daemon's: it is driven by files in the session folder it is given, as its
 * own header describes (runs, start.N, commands, stopped), so a test scripts each start of the
 * bridge and reads what the channel sent it.
 */
public final class FakeWhatsAppBridge {

    private FakeWhatsAppBridge() {}

    /**
     * Writes the script into a folder, executable by its owner.
     *
     * @return the script, to configure as the bridge command
     */
    public static Path install(Path dir) throws IOException {
        Path script = dir.resolve("fake-whatsapp-bridge.sh");
        try (InputStream in = FakeWhatsAppBridge.class.getResourceAsStream("fake-whatsapp-bridge.sh")) {
            if (in == null) {
                throw new IOException("fake-whatsapp-bridge.sh is missing from the testkit");
            }
            Files.write(script, in.readAllBytes());
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
