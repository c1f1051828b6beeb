package org.openpista.tool.desktop.internal;

/**
 * A D-Bus variant: a value with its own signature.
 *
 * @param signature one complete type
 * @param value the value, as {@link DBusWriter} takes and {@link DBusReader} gives it
 */
record Variant(String signature, Object value) {}
