package org.openpista.api.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionStatusTest {

    @Test
    void missingDetailsAreEmptyAndTheListsAreCopies() {
        List<String> offers = new ArrayList<>(List.of("mcp.files.read"));
        ConnectionStatus status = new ConnectionStatus("MCP servers", "files", ConnectionStatus.State.CONNECTED, null,
                null, offers, null);
        offers.add("mcp.files.write");

        assertThat(status.detail()).isEmpty();
        assertThat(status.since()).isNull();
        assertThat(status.offers()).containsExactly("mcp.files.read");
        assertThat(status.logTail()).isEmpty();
        assertThatThrownBy(() -> status.offers().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aConnectionHasAGroupANameAndAState() {
        assertThatThrownBy(() -> new ConnectionStatus(null, "a", ConnectionStatus.State.IDLE, "", null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("group");
        assertThatThrownBy(() -> new ConnectionStatus("g", null, ConnectionStatus.State.IDLE, "", null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> new ConnectionStatus("g", "a", null, "", null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("state");
    }
}
