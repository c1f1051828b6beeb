package org.openpista.channel.web.internal;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;

/**
 * {@code GET /ws}: the WebSocket. Every check happens before the upgrade, so a refused client never
 * gets a socket: the host name and {@code Origin} (403), a lockout (429), and with a token
 * configured valid credentials, either a {@code session_token} from {@code POST /auth} or the
 * {@code token} itself (401 otherwise). Frames are limited to 64 KiB until the connection is
 * authenticated, then to {@code max_frame_bytes}; a larger one closes it with 1009.
 */
final class SocketServlet extends JettyWebSocketServlet {

    private static final long serialVersionUID = 1L;
    private static final String CONNECTION = SocketServlet.class.getName() + ".connection";
    /** A client that sends nothing (not even its keepalive ping) for this long is disconnected. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);

    private final transient ChatHub hub;
    private final transient OriginPolicy origins;

    SocketServlet(ChatHub hub, OriginPolicy origins) {
        this.hub = hub;
        this.origins = origins;
    }

    @Override
    protected void configure(JettyWebSocketServletFactory factory) {
        factory.setMaxTextMessageSize(WebSettings.PRE_AUTH_LIMIT);
        factory.setMaxBinaryMessageSize(WebSettings.PRE_AUTH_LIMIT);
        factory.setIdleTimeout(IDLE_TIMEOUT);
        factory.setCreator((request, response) -> {
            Object connection = request.getServletAttribute(CONNECTION);
            return connection instanceof Connection checked ? new JettySocket(hub, checked) : null;
        });
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        SecurityHeaders.apply(response);
        String host = request.getHeader("Host");
        String origin = request.getHeader("Origin");
        if (!origins.allows(origin, host)) {
            PageServlet.plain(response, 403, "This origin is not allowed to open the chat socket.");
            return;
        }
        String upgrade = request.getHeader("Upgrade");
        if (!"GET".equals(request.getMethod()) || upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            PageServlet.plain(response, 400, "Expected a WebSocket upgrade.");
            return;
        }
        String address = request.getRemoteAddr();
        Authenticator authenticator = hub.authenticator();
        Duration locked = authenticator.lockedFor(address);
        if (!locked.isZero()) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, locked.toSeconds())));
            PageServlet.plain(response, 429, "Too many failed attempts; try again later.");
            return;
        }
        String clientId = request.getParameter("client_id");
        String sessionId = request.getParameter("session_id");
        if (clientId != null && !clientId.isEmpty() && !ChatHub.validId(clientId)
                || sessionId != null && !sessionId.isEmpty() && !ChatHub.validId(sessionId)) {
            PageServlet.plain(response, 400, "client_id and session_id must be 1 to 200 characters without control characters.");
            return;
        }
        String grantedClient = "";
        if (authenticator.tokenRequired()) {
            Authenticator.Verdict verdict = credentials(authenticator, address,
                    request.getParameter("session_token"), request.getParameter("token"));
            if (verdict == null) {
                PageServlet.plain(response, 401, "Credentials required: pass session_token (from POST /auth) or token.");
                return;
            }
            switch (verdict.outcome()) {
                case REJECTED -> {
                    PageServlet.plain(response, 401, "Invalid or expired credentials.");
                    return;
                }
                case LOCKED_OUT -> {
                    response.setHeader("Retry-After", Long.toString(Math.max(1, verdict.retryAfter().toSeconds())));
                    PageServlet.plain(response, 429, "Too many failed attempts; try again later.");
                    return;
                }
                case ACCEPTED -> grantedClient = verdict.clientId();
            }
        }
        String client = clientId != null && !clientId.isEmpty() ? clientId
                : !grantedClient.isEmpty() ? grantedClient : UUID.randomUUID().toString();
        String session = sessionId != null && !sessionId.isEmpty() ? sessionId : hub.defaultSession(client);
        request.setAttribute(CONNECTION, new Connection(client, hub.conversationKey(client), session, address));
        super.service(request, response);
    }

    /** @return the verdict on the credentials presented, or {@code null} when there are none */
    private static Authenticator.Verdict credentials(Authenticator authenticator, String address, String sessionToken,
            String token) {
        boolean hasSession = sessionToken != null && !sessionToken.isEmpty();
        boolean hasToken = token != null && !token.isEmpty();
        if (hasSession) {
            Authenticator.Verdict verdict = authenticator.checkSessionToken(address, sessionToken);
            if (verdict.accepted() || !hasToken || verdict.outcome() == Authenticator.Outcome.LOCKED_OUT) {
                return verdict;
            }
        }
        return hasToken ? authenticator.checkToken(address, token) : null;
    }
}
