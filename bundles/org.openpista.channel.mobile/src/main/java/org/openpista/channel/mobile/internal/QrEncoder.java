package org.openpista.channel.mobile.internal;

import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.util.ArrayList;
import java.util.List;
import org.openpista.api.pairing.QrCode;

/** Encodes a link as a QR code (ZXing), at error correction level M: phones read it off a terminal. */
final class QrEncoder {

    private QrEncoder() {}

    /** @throws IllegalArgumentException when the text does not fit in a QR code */
    static QrCode encode(String data) {
        ByteMatrix matrix;
        try {
            // links are ASCII: no character set hint, so no ECI segment a scanner could stumble on
            matrix = Encoder.encode(data, ErrorCorrectionLevel.M).getMatrix();
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode the link as a QR code: " + e.getMessage(), e);
        }
        List<String> rows = new ArrayList<>(matrix.getHeight());
        for (int y = 0; y < matrix.getHeight(); y++) {
            StringBuilder row = new StringBuilder(matrix.getWidth());
            for (int x = 0; x < matrix.getWidth(); x++) {
                row.append(matrix.get(x, y) == 1 ? '1' : '0');
            }
            rows.add(row.toString());
        }
        return new QrCode(data, rows);
    }
}
