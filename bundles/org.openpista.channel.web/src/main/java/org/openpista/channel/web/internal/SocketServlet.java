package org.openpista.channel.web.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.openpista.channel.support.FrameFields;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /ws}: the WebSocket, a whiteboard servlet while the {@link WebChat} serves. Every check
 * happens before the upgrade, so a refused client never gets a socket: the host name and {@code
 * Origin} (403), and with a token configured valid credentials: a {@code session_token} from
 * {@code POST /auth} (accepted even while its source is locked out), or the {@code token} itself
 * (429 during a lockout, 401 when wrong or missing). Frames are limited to 64 KiB until the
 * connection is authenticated, then to {@code max_frame_bytes}; a larger one closes it with 1009.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern(SocketServlet.PATH)
@HttpWhiteboardServletName("openpista-web-ws")
public final class SocketServlet extends JettyWebSocketServlet {

    static final String PATH = "/ws";

    private static final long serialVersionUID = 1L;
    private static final String CONNECTION = SocketServlet.class.getName() + ".connection";
    /** A client that sends nothing (not even its keepalive ping) for this long is disconnected. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);

    private final transient ChatHub hub;
    private final transient OriginPolicy origins;

    @Activate
    public SocketServlet(@Reference WebChat chat) {
        this(chat.hub(), chat.origins());
    }

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
            return connection instanceof Connection checked ? new JettySocket(hub, checked, hub.flushes()) : null;
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
        String clientId = request.getParameter("client_id");
        String sessionId = request.getParameter("session_id");
        if (clientId != null && !clientId.isBlank() && !FrameFields.validId(clientId)
                || sessionId != null && !sessionId.isBlank() && !FrameFields.validId(sessionId)) {
            PageServlet.plain(response, 400, "client_id and session_id must be 1 to 200 characters without control characters.");
            return;
        }
        String grantedClient = "";
        Authenticator authenticator = hub.authenticator();
        if (authenticator.tokenRequired()) {
            Authenticator.Verdict verdict = credentials(authenticator, address,
                    request.getParameter("session_token"), request.getParameter("token"));
            switch (verdict.outcome()) {
                case REJECTED -> {
                    boolean none = isEmpty(request.getParameter("session_token")) && isEmpty(request.getParameter("token"));
                    PageServlet.plain(response, 401, none ? "Credentials required: pass session_token (from POST /auth) or token."
                            : "Invalid or expired credentials.");
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
        // an empty client_id (the original client's first visit) is a missing one: the client gets a new id
        String client = clientId != null && !clientId.isBlank() ? clientId
                : !grantedClient.isEmpty() ? grantedClient : UUID.randomUUID().toString();
        String session = sessionId != null && !sessionId.isBlank() ? sessionId : hub.defaultSession(client);
        request.setAttribute(CONNECTION, new Connection(client, hub.conversationKey(client), session, address));
        super.service(request, response);
    }

    /**
     * @return the verdict on the credentials presented: a valid session token is accepted even during
     *     a lockout; otherwise the token decides, unless the source is locked out
     */
    private static Authenticator.Verdict credentials(Authenticator authenticator, String address, String sessionToken,
            String token) {
        if (!isEmpty(sessionToken)) {
            Authenticator.Verdict verdict = authenticator.checkSessionToken(address, sessionToken);
            if (verdict.accepted()) {
                return verdict;
            }
        }
        if (isEmpty(token)) {
            Duration locked = authenticator.lockedFor(address);
            return locked.isZero() ? new Authenticator.Verdict(Authenticator.Outcome.REJECTED, "", Duration.ZERO)
                    : new Authenticator.Verdict(Authenticator.Outcome.LOCKED_OUT, "", locked);
        }
        return authenticator.checkToken(address, token);
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }
}
