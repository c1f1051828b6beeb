package org.openpista.tool.desktop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The D-Bus wire format: values, messages and addresses. */
class DBusCodecTest {

    @Test
    void aNotifyCallsArgumentsSurviveTheWireFormat() {
        Map<String, Variant> hints = new LinkedHashMap<>();
        hints.put("urgency", new Variant("y", (byte) 2));
        hints.put("x", new Variant("i", 17));
        hints.put("category", new Variant("s", "transfer.complete"));
        List<Object> arguments = List.of("openpista", 0, "", "Tïtle", "body", List.of("default", "Open"), hints, -1);
        DBusWriter writer = new DBusWriter();

        writer.writeAll("susssasa{sv}i", arguments);

        assertThat(new DBusReader(writer.bytes(), ByteOrder.LITTLE_ENDIAN).readAll("susssasa{sv}i"))
                .isEqualTo(arguments);
    }

    @Test
    void valuesAreAlignedAsTheSpecificationSays() {
        DBusWriter writer = new DBusWriter();

        writer.write("y", (byte) 7);
        writer.write("u", 1);
        writer.write("t", 2L);

        // a byte, 3 bytes padding, a 4-byte integer, then an 8-byte integer at offset 8
        assertThat(writer.bytes()).containsExactly(7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void aMessageEncodesItsHeaderFieldsAndBody() {
        DBusMessage call = DBusMessage.call(5, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                "org.freedesktop.Notifications", "GetServerInformation", "", List.of());
        byte[] wire = call.encode();
        int fields = wire[12] & 0xff;
        int header = (16 + fields + 7) & ~7;
        byte[] head = java.util.Arrays.copyOf(wire, header);
        byte[] body = java.util.Arrays.copyOfRange(wire, header, wire.length);

        DBusMessage decoded = DBusMessage.decode(head, body);

        assertThat(wire[0]).isEqualTo((byte) 'l');
        assertThat(wire.length % 8).as("no body: the message ends on the header's padding").isZero();
        assertThat(decoded.type()).isEqualTo(DBusMessage.METHOD_CALL);
        assertThat(decoded.serial()).isEqualTo(5);
        assertThat(decoded.member()).isEqualTo("GetServerInformation");
        assertThat(decoded.path()).isEqualTo("/org/freedesktop/Notifications");
        assertThat(decoded.arguments()).isEmpty();
    }

    @Test
    void aTruncatedValueIsReportedNotMisread() {
        DBusWriter writer = new DBusWriter();
        writer.write("s", "a longer string");
        byte[] cut = java.util.Arrays.copyOf(writer.bytes(), 8);

        assertThatThrownBy(() -> new DBusReader(cut, ByteOrder.LITTLE_ENDIAN).read("s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a D-Bus string of 15 bytes is longer than its message");
    }

    @Test
    void signaturesAreSplitIntoCompleteTypes() {
        assertThat(DBusType.end("a{sv}i", 0)).isEqualTo(5);
        assertThat(DBusType.end("(sa(ii))u", 0)).isEqualTo(8);
        assertThatThrownBy(() -> DBusType.end("(ss", 0)).hasMessage("the signature \"(ss\" misses )");
    }

    @Test
    void addressesNameTheirSocketFileAmongAlternatives() {
        DBusAddress address = DBusAddress.parse("unix:abstract=/tmp/dbus-x,guid=12;unix:path=/run/user/1000/b%75s");

        assertThat(address.entries()).hasSize(2);
        assertThat(address.entries().get(0).keys()).containsEntry("abstract", "/tmp/dbus-x").containsEntry("guid", "12");
        assertThat(address.socket()).isEqualTo(Path.of("/run/user/1000/bus"));
        assertThat(DBusAddress.parse("unix:abstract=/tmp/x").socket()).isNull();
        assertThat(DBusAddress.parse("tcp:host=localhost,port=1234").socket()).isNull();
        assertThatThrownBy(() -> DBusAddress.parse("nonsense")).hasMessageContaining("is no D-Bus address");
    }
}
