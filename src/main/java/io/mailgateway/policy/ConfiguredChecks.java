package io.mailgateway.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * POLICY_DATA_CHECKS: end-of-data checks named by class in configuration, so a new check is one
 * class plus one line of configuration (no route edit): each class implements {@link DataCheck}
 * and has a public no-argument constructor; the decision step runs them, in the order given,
 * after the checks of the inbound route and just before it decides.
 */
public final class ConfiguredChecks {

    private ConfiguredChecks() {
    }

    /** The checks of a comma-separated list of class names; IllegalArgumentException naming the bad one. */
    public static List<DataCheck> instantiate(String classNames) {
        List<DataCheck> checks = new ArrayList<>();
        for (String raw : classNames.split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            checks.add(instantiateOne(name));
        }
        return List.copyOf(checks);
    }

    /** The setting's check: null when every class is a loadable DataCheck, else what is wrong. */
    public static String check(String classNames) {
        try {
            instantiate(classNames);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static DataCheck instantiateOne(String name) {
        Class<?> type;
        try {
            type = Class.forName(name, true, ConfiguredChecks.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("no class " + name + " on the class path");
        }
        if (!DataCheck.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(name + " does not implement " + DataCheck.class.getName());
        }
        try {
            return (DataCheck) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(name + " needs a public no-argument constructor that works: " + e);
        }
    }
}
