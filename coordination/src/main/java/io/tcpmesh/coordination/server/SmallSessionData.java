package io.tcpmesh.coordination.server;

import org.apache.mina.core.session.DefaultIoSessionDataStructureFactory;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionAttributeMap;
import org.apache.mina.core.session.IoSessionDataStructureFactory;
import org.apache.mina.core.write.WriteRequestQueue;

import java.util.HashSet;
import java.util.Set;

/**
 * Session data for services whose sessions hold a handful of attributes: each session's attributes in one
 * small copy-on-write array instead of MINA's {@code ConcurrentHashMap} per session (MINA's write queue is
 * kept).
 *
 * <p>A proxied connection's two sessions hold 4 to 8 attributes each, read on every message and written
 * mostly once, at the start. A read is a volatile read of the array and a scan of a few references, with
 * no hashing (the keys are {@code AttributeKey}s, compared by identity first); a write copies the array
 * under the map's lock. The map costs about 100 bytes for a session's usual attributes, against about 400
 * for MINA's map (docs/benchmarks/proxy-connections.md), and reads from other threads see every completed
 * write. The semantics are MINA's: a {@code null} value removes, a {@code null} key is refused, and
 * {@code getAttribute} with a default stores the default when the key is absent.
 */
public final class SmallSessionData implements IoSessionDataStructureFactory {
    private final IoSessionDataStructureFactory mina = new DefaultIoSessionDataStructureFactory();

    @Override
    public IoSessionAttributeMap getAttributeMap(IoSession session) {
        return new ArrayAttributeMap();
    }

    @Override
    public WriteRequestQueue getWriteRequestQueue(IoSession session) throws Exception {
        return mina.getWriteRequestQueue(session);
    }

    /** Keys at even indexes, their values after them; replaced whole on every change. */
    static final class ArrayAttributeMap implements IoSessionAttributeMap {
        private static final Object[] EMPTY = {};
        private volatile Object[] entries = EMPTY;

        private static int indexOf(Object[] e, Object key) {
            for (int i = 0; i < e.length; i += 2) {
                if (e[i] == key) {
                    return i;
                }
            }
            for (int i = 0; i < e.length; i += 2) {
                if (e[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        private static Object checked(Object key) {
            if (key == null) {
                throw new IllegalArgumentException("key");
            }
            return key;
        }

        private Object get(Object key) {
            Object[] e = entries;
            int i = indexOf(e, key);
            return i < 0 ? null : e[i + 1];
        }

        /** Puts or replaces under the lock; returns the old value. */
        private Object put(Object key, Object value) {
            Object[] e = entries;
            int i = indexOf(e, key);
            Object[] next;
            Object old = null;
            if (i >= 0) {
                old = e[i + 1];
                next = e.clone();
                next[i + 1] = value;
            } else {
                next = new Object[e.length + 2];
                System.arraycopy(e, 0, next, 0, e.length);
                next[e.length] = key;
                next[e.length + 1] = value;
            }
            entries = next;
            return old;
        }

        /** Removes under the lock; returns the old value. */
        private Object remove(Object key) {
            Object[] e = entries;
            int i = indexOf(e, key);
            if (i < 0) {
                return null;
            }
            Object old = e[i + 1];
            Object[] next = new Object[e.length - 2];
            System.arraycopy(e, 0, next, 0, i);
            System.arraycopy(e, i + 2, next, i, e.length - i - 2);
            entries = next;
            return old;
        }

        @Override
        public Object getAttribute(IoSession session, Object key, Object defaultValue) {
            checked(key);
            Object v = get(key);
            if (v != null || defaultValue == null) {
                return v;
            }
            Object raced = setAttributeIfAbsent(session, key, defaultValue); // another thread's value, if it won
            return raced == null ? defaultValue : raced;
        }

        @Override
        public Object setAttribute(IoSession session, Object key, Object value) {
            checked(key);
            synchronized (this) {
                return value == null ? remove(key) : put(key, value);
            }
        }

        @Override
        public Object setAttributeIfAbsent(IoSession session, Object key, Object value) {
            checked(key);
            if (value == null) {
                return null;
            }
            synchronized (this) {
                Object old = get(key);
                if (old != null) {
                    return old;
                }
                put(key, value);
                return null;
            }
        }

        @Override
        public Object removeAttribute(IoSession session, Object key) {
            checked(key);
            synchronized (this) {
                return remove(key);
            }
        }

        @Override
        public boolean removeAttribute(IoSession session, Object key, Object value) {
            checked(key);
            if (value == null) {
                return false;
            }
            synchronized (this) {
                if (!value.equals(get(key))) {
                    return false;
                }
                remove(key);
                return true;
            }
        }

        @Override
        public boolean replaceAttribute(IoSession session, Object key, Object oldValue, Object newValue) {
            checked(key);
            if (oldValue == null || newValue == null) {
                return false;
            }
            synchronized (this) {
                if (!oldValue.equals(get(key))) {
                    return false;
                }
                put(key, newValue);
                return true;
            }
        }

        @Override
        public boolean containsAttribute(IoSession session, Object key) {
            return get(checked(key)) != null;
        }

        @Override
        public Set<Object> getAttributeKeys(IoSession session) {
            Object[] e = entries;
            Set<Object> keys = new HashSet<>();
            for (int i = 0; i < e.length; i += 2) {
                keys.add(e[i]);
            }
            return keys;
        }

        /** Keeps the attributes, as MINA's map does: a handler may still read them once the session is gone. */
        @Override
        public void dispose(IoSession session) {
        }

        @Override
        public String toString() {
            return "attributes(" + entries.length / 2 + ")";
        }
    }
}
