package org.openpista.tui.internal;

import java.util.List;

/** A QR code drawn with half blocks, for {@code /qr}. */
final class QrText {

    private QrText() {}

    /** @return the lines of the drawing, or a line saying why there is none */
    static List<String> lines(String text) {
        return List.of("(QR codes are not available yet)");
    }
}
