/** Snapshots of the home before a migration, {@code openpista upgrade} and {@code openpista rollback}. */
package org.openpista.upgrade.internal;
