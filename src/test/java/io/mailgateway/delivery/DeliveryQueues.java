package io.mailgateway.delivery;

import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.testing.TestGateway;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** Test helper: the properties of messages in a broker queue of the in-VM broker, read with a JMS browser. */
final class DeliveryQueues {

    private DeliveryQueues() {
    }

    /** Properties of each message in {@code queue} whose MailQueueId is {@code queueId}. */
    static List<Map<String, Object>> browse(String queue, String queueId) throws Exception {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL,
                TestGateway.brokerCredentials().user(), TestGateway.brokerCredentials().password());
                Connection connection = cf.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(queue), "MailQueueId = '" + queueId + "'");
            List<Map<String, Object>> found = new ArrayList<>();
            for (Object o : Collections.list(browser.getEnumeration())) {
                Message m = (Message) o;
                Map<String, Object> props = new HashMap<>();
                for (Object name : Collections.list(m.getPropertyNames())) {
                    props.put((String) name, m.getObjectProperty((String) name));
                }
                found.add(props);
            }
            return found;
        }
    }
}
