package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluginCommandsTest {

    @Test
    void aMissingPackageIsNamed() {
        String felix = "Unable to resolve broken [12](R 12.0): missing requirement [broken [12](R 12.0)] "
                + "osgi.wiring.package; (osgi.wiring.package=com.example.missing) Unresolved requirements: "
                + "[[broken [12](R 12.0)] osgi.wiring.package; (osgi.wiring.package=com.example.missing)]";

        assertThat(PluginCommands.explain(felix))
                .startsWith("it imports the package com.example.missing, which no installed bundle exports");
    }

    @Test
    void aNewerJavaIsNamed() {
        String felix = "Unable to resolve modern [13](R 13.0): missing requirement [modern [13](R 13.0)] osgi.ee; "
                + "(&(osgi.ee=JavaSE)(version=21)) Unresolved requirements: [[modern [13](R 13.0)] osgi.ee; "
                + "(&(osgi.ee=JavaSE)(version=21))]";

        assertThat(PluginCommands.explain(felix)).startsWith("it needs Java 21 or newer, but the daemon runs on Java");
    }

    @Test
    void otherMessagesStayOnOneLine() {
        assertThat(PluginCommands.explain("Activator start error\n  in bundle x")).isEqualTo("Activator start error in bundle x");
    }

    @Test
    void tablesPadColumns() {
        String table = new Table("NAME", "STATE").row("system.run", "active").row("x", null).toString();

        assertThat(table).isEqualTo("NAME        STATE\nsystem.run  active\nx           -\n");
    }
}
