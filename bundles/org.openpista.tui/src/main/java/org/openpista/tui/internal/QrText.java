package org.openpista.tui.internal;

import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.util.ArrayList;
import java.util.List;
import org.openpista.api.pairing.QrCode;

/**
 * A QR code drawn with half blocks, for {@code /qr}. ZXing's encoder is copied into this bundle
 * (bnd's conditional packages): the whatsapp feature ships ZXing too, and two features may not
 * bring the same bundle.
 */
final class QrText {

    private QrText() {}

    /** @return the lines of the drawing, or a line saying why there is none */
    static List<String> lines(String text) {
        ByteMatrix matrix;
        try {
            matrix = Encoder.encode(text, ErrorCorrectionLevel.L).getMatrix();
        } catch (WriterException | IllegalArgumentException e) {
            return List.of("(the address does not fit in a QR code: " + e.getMessage() + ")");
        }
        List<String> rows = new ArrayList<>(matrix.getHeight());
        for (int y = 0; y < matrix.getHeight(); y++) {
            StringBuilder row = new StringBuilder(matrix.getWidth());
            for (int x = 0; x < matrix.getWidth(); x++) {
                row.append(matrix.get(x, y) == 1 ? '1' : '0');
            }
            rows.add(row.toString());
        }
        return List.of(new QrCode(text, rows).toTerminal().split("\n"));
    }
}
