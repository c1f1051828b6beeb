package org.openpista.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Path-traversal payloads for security tests of anything that takes a path from outside: climbing
 * (plain, encoded, Unicode look-alikes) at several depths, absolute and injected paths.
 */
public final class TraversalPayloads {

    private TraversalPayloads() {}

    /** Ways to climb one folder up. */
    public static final List<String> CLIMBS = List.of("../", "..\\", "..%2f", "%2e%2e/", "%2e%2e%2f", "..%252f", "%252e%252e%252f",
            "....//", "..;/", ".%2e/", "%c0%ae%c0%ae/", "\u2025/", "\uff0e\uff0e/", "..\u2215", "..\u2044", "./../",
            "/./../", "..//");

    /** Absolute and injected paths. */
    public static final List<String> ABSOLUTE = List.of("/etc/passwd", "//etc/passwd", "/proc/self/environ", "/proc/1/environ",
            "/root/.bashrc", "file:///etc/passwd", "~/.bashrc", "~root/.bashrc", "\\etc\\passwd", "C:\\Windows\\win.ini",
            "/workspace/../etc/passwd", "/workspace/../../etc/passwd", "sub/../../etc/passwd", "a.txt\u0000../../etc/passwd",
            "/workspace/./../secret.txt", "/../../../../etc/passwd", "/etc/./passwd", "%2fetc%2fpasswd", "/dev/stdin",
            "/workspace/..%2f..%2fetc/passwd");

    /** @return every payload aimed at {@code targets} (paths relative to the file system root or the workspace's parent) */
    public static List<String> all(List<String> targets) {
        List<String> payloads = new ArrayList<>();
        for (String climb : CLIMBS) {
            for (int depth = 1; depth <= 8; depth++) {
                for (String target : targets) {
                    payloads.add(climb.repeat(depth) + target);
                }
            }
        }
        payloads.addAll(ABSOLUTE);
        return payloads;
    }
}
