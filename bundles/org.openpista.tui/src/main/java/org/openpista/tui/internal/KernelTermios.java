package org.openpista.tui.internal;

import java.util.Locale;
import java.util.Set;
import org.jline.nativ.CLibrary;

/**
 * The terminal's settings exactly as the Linux kernel holds them, saved before raw mode and put
 * back after JLine's own restore. JLine's {@code Attributes} carry only the mode flags and the
 * control characters, so setting them back through its native provider zeroes the line speed
 * ({@code stty} then says "speed 0 baud", a hang-up request on a serial line) and leaves the line
 * discipline byte undefined. The {@code TCGETS}/{@code TCSETS} ioctls take the kernel's {@code
 * struct termios} whole. Elsewhere (macOS, the {@code stty} provider, which changes only what it
 * names) there is nothing to save: JLine's restore is all there is.
 */
final class KernelTermios {

    /** The generic Linux ioctl numbers; PowerPC, MIPS, SPARC and Alpha have their own. */
    private static final long TCGETS = 0x5401;

    private static final long TCSETS = 0x5402;

    private static final Set<String> GENERIC = Set.of("amd64", "x86_64", "x86", "i386", "i686", "aarch64", "arm",
            "riscv64", "s390x", "loongarch64");

    /** Standard input: what JLine's system terminal reads and sets the mode of. */
    private static final int STDIN = 0;

    /** The kernel's struct termios is 36 bytes (four flags, the line discipline, 19 control characters). */
    private static final int WORDS = 16;

    private final int[] saved;

    private KernelTermios(int[] saved) {
        this.saved = saved;
    }

    /** @return the settings of standard input's terminal, or {@code null} where they cannot be had so */
    static KernelTermios save() {
        if (!applies(System.getProperty("os.name", ""), System.getProperty("os.arch", ""))) {
            return null;
        }
        try {
            int[] settings = new int[WORDS];
            return CLibrary.ioctl(STDIN, TCGETS, settings) == 0 ? new KernelTermios(settings) : null;
        } catch (LinkageError noNativeLibrary) {
            // JLine's native library did not load (JLine then runs stty, which keeps what it does not name)
            return null;
        }
    }

    /** Puts the saved settings back. */
    void restore() {
        try {
            CLibrary.ioctl(STDIN, TCSETS, saved.clone());
        } catch (LinkageError noNativeLibrary) {
            // cannot happen once save() succeeded; JLine's restore stands
        }
    }

    static boolean applies(String osName, String osArch) {
        return osName.toLowerCase(Locale.ROOT).startsWith("linux") && GENERIC.contains(osArch.toLowerCase(Locale.ROOT));
    }
}
