package org.openpista.tool.desktop.internal;

/** D-Bus type signatures: where a complete type ends, and how values of a type are aligned. */
final class DBusType {

    private DBusType() {}

    /**
     * @return the index after the single complete type that starts at {@code start}
     * @throws IllegalArgumentException when the signature is malformed there
     */
    static int end(String signature, int start) {
        if (start >= signature.length()) {
            throw new IllegalArgumentException("the signature \"" + signature + "\" ends early");
        }
        char code = signature.charAt(start);
        switch (code) {
            case 'y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 's', 'o', 'g', 'v', 'h':
                return start + 1;
            case 'a':
                return end(signature, start + 1);
            case '(':
            case '{':
                char close = code == '(' ? ')' : '}';
                int at = start + 1;
                while (at < signature.length() && signature.charAt(at) != close) {
                    at = end(signature, at);
                }
                if (at >= signature.length()) {
                    throw new IllegalArgumentException("the signature \"" + signature + "\" misses " + close);
                }
                return at + 1;
            default:
                throw new IllegalArgumentException("the signature \"" + signature + "\" has the unknown type " + code);
        }
    }

    /** @return the alignment of values whose type starts with {@code code} */
    static int alignment(char code) {
        return switch (code) {
            case 'y', 'g', 'v' -> 1;
            case 'n', 'q' -> 2;
            case 'x', 't', 'd', '(', '{' -> 8;
            default -> 4;
        };
    }
}
