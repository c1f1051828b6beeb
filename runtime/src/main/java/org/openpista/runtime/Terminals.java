package org.openpista.runtime;

import java.io.IOException;

/** Whether standard input is a terminal; Java has no isatty, so ask {@code test -t 0}. */
final class Terminals {

    private Terminals() {}

    static boolean stdinIsTerminal() {
        try {
            Process test = new ProcessBuilder("test", "-t", "0")
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return test.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
