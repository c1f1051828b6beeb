package org.openpista.tool.desktop.internal;

import java.io.IOException;

/** An error reply of the bus or of a service, with its D-Bus error name. */
final class DBusException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The bus's answer when nobody owns the name a call is addressed to. */
    static final String SERVICE_UNKNOWN = "org.freedesktop.DBus.Error.ServiceUnknown";

    private final String name;

    DBusException(String name, String message) {
        super(name + ": " + message);
        this.name = name;
    }

    /** @return the error name, for example {@value #SERVICE_UNKNOWN} */
    String name() {
        return name;
    }
}
