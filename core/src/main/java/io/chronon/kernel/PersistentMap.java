package io.chronon.kernel;

import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable sorted map with cheap updates: {@link #put} and {@link #remove} return a new map that
 * shares all but O(log n) nodes with the old one (an AVL tree with path copying).
 *
 * <p>For application state: iteration is in key order (deterministic on every replica, unlike
 * {@code HashMap}), old versions stay valid and cheap to keep (what time travel needs), and an
 * {@code apply} that fails halfway leaves the state it was given untouched. Equality and hash code
 * depend only on the entries.
 */
public final class PersistentMap<K extends Comparable<K>, V> implements Iterable<Map.Entry<K, V>> {
    private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(null);

    private final Node<K, V> root;

    private PersistentMap(Node<K, V> root) {
        this.root = root;
    }

    @SuppressWarnings("unchecked")
    public static <K extends Comparable<K>, V> PersistentMap<K, V> empty() {
        return (PersistentMap<K, V>) EMPTY;
    }

    public static <K extends Comparable<K>, V> PersistentMap<K, V> of(Map<K, V> entries) {
        PersistentMap<K, V> map = empty();
        for (Map.Entry<K, V> entry : new TreeMap<>(entries).entrySet()) {
            map = map.put(entry.getKey(), entry.getValue());
        }
        return map;
    }

    public int size() {
        return root == null ? 0 : root.size;
    }

    public boolean isEmpty() {
        return root == null;
    }

    public V get(K key) {
        Objects.requireNonNull(key, "key");
        Node<K, V> node = root;
        while (node != null) {
            int order = key.compareTo(node.key);
            if (order == 0) {
                return node.value;
            }
            node = order < 0 ? node.left : node.right;
        }
        return null;
    }

    public V getOrDefault(K key, V fallback) {
        V value = get(key);
        return value == null ? fallback : value;
    }

    public boolean containsKey(K key) {
        return get(key) != null;
    }

    /** A map with {@code key} bound to {@code value} (not null). */
    public PersistentMap<K, V> put(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Node<K, V> updated = insert(root, key, value);
        return updated == root ? this : new PersistentMap<>(updated);
    }

    /** A map without {@code key}. */
    public PersistentMap<K, V> remove(K key) {
        Objects.requireNonNull(key, "key");
        Node<K, V> updated = delete(root, key);
        return updated == root ? this : new PersistentMap<>(updated);
    }

    /** A mutable copy, sorted by key. */
    public SortedMap<K, V> toSortedMap() {
        TreeMap<K, V> copy = new TreeMap<>();
        forEach(entry -> copy.put(entry.getKey(), entry.getValue()));
        return copy;
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() {
        return new InOrder<>(root);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof PersistentMap<?, ?> map) || map.size() != size()) {
            return false;
        }
        Iterator<? extends Map.Entry<?, ?>> theirs = map.iterator();
        for (Map.Entry<K, V> mine : this) {
            if (!mine.equals(theirs.next())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (Map.Entry<K, V> entry : this) {
            hash = 31 * hash + entry.hashCode();
        }
        return hash;
    }

    @Override
    public String toString() {
        return toSortedMap().toString();
    }

    // ---------------------------------------------------------------- AVL with path copying

    private record Node<K, V>(K key, V value, Node<K, V> left, Node<K, V> right, int height, int size) {
        static <K, V> Node<K, V> of(K key, V value, Node<K, V> left, Node<K, V> right) {
            return new Node<>(key, value, left, right, 1 + Math.max(height(left), height(right)),
                    1 + size(left) + size(right));
        }

        static int height(Node<?, ?> node) {
            return node == null ? 0 : node.height;
        }

        static int size(Node<?, ?> node) {
            return node == null ? 0 : node.size;
        }
    }

    private static <K extends Comparable<K>, V> Node<K, V> insert(Node<K, V> node, K key, V value) {
        if (node == null) {
            return Node.of(key, value, null, null);
        }
        int order = key.compareTo(node.key);
        if (order == 0) {
            return Objects.equals(node.value, value) ? node : Node.of(key, value, node.left, node.right);
        }
        if (order < 0) {
            Node<K, V> left = insert(node.left, key, value);
            return left == node.left ? node : balance(node.key, node.value, left, node.right);
        }
        Node<K, V> right = insert(node.right, key, value);
        return right == node.right ? node : balance(node.key, node.value, node.left, right);
    }

    private static <K extends Comparable<K>, V> Node<K, V> delete(Node<K, V> node, K key) {
        if (node == null) {
            return null;
        }
        int order = key.compareTo(node.key);
        if (order < 0) {
            Node<K, V> left = delete(node.left, key);
            return left == node.left ? node : balance(node.key, node.value, left, node.right);
        }
        if (order > 0) {
            Node<K, V> right = delete(node.right, key);
            return right == node.right ? node : balance(node.key, node.value, node.left, right);
        }
        if (node.left == null) {
            return node.right;
        }
        if (node.right == null) {
            return node.left;
        }
        Node<K, V> successor = node.right;
        while (successor.left != null) {
            successor = successor.left;
        }
        return balance(successor.key, successor.value, node.left, delete(node.right, successor.key));
    }

    private static <K, V> Node<K, V> balance(K key, V value, Node<K, V> left, Node<K, V> right) {
        int skew = Node.height(left) - Node.height(right);
        if (skew > 1) {
            if (Node.height(left.left) < Node.height(left.right)) {
                left = rotateLeft(left.key, left.value, left.left, left.right);
            }
            return rotateRight(key, value, left, right);
        }
        if (skew < -1) {
            if (Node.height(right.right) < Node.height(right.left)) {
                right = rotateRight(right.key, right.value, right.left, right.right);
            }
            return rotateLeft(key, value, left, right);
        }
        return Node.of(key, value, left, right);
    }

    private static <K, V> Node<K, V> rotateRight(K key, V value, Node<K, V> left, Node<K, V> right) {
        return Node.of(left.key, left.value, left.left, Node.of(key, value, left.right, right));
    }

    private static <K, V> Node<K, V> rotateLeft(K key, V value, Node<K, V> left, Node<K, V> right) {
        return Node.of(right.key, right.value, Node.of(key, value, left, right.left), right.right);
    }

    private static final class InOrder<K, V> implements Iterator<Map.Entry<K, V>> {
        private final Deque<Node<K, V>> path = new ArrayDeque<>();

        InOrder(Node<K, V> root) {
            descend(root);
        }

        private void descend(Node<K, V> node) {
            for (; node != null; node = node.left) {
                path.push(node);
            }
        }

        @Override
        public boolean hasNext() {
            return !path.isEmpty();
        }

        @Override
        public Map.Entry<K, V> next() {
            if (path.isEmpty()) {
                throw new NoSuchElementException();
            }
            Node<K, V> node = path.pop();
            descend(node.right);
            return new AbstractMap.SimpleImmutableEntry<>(node.key, node.value);
        }
    }
}
