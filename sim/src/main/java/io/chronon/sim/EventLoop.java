package io.chronon.sim;

import java.util.PriorityQueue;

/**
 * Simulated time and the events waiting for it. One thread; events at the same instant run in the
 * order they were scheduled, so a run is a pure function of its seed.
 */
final class EventLoop {
    private record Event(long at, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long now;
    private long sequence;

    long now() {
        return now;
    }

    void at(long time, Runnable action) {
        events.add(new Event(Math.max(time, now), sequence++, action));
    }

    void after(long delay, Runnable action) {
        at(now + delay, action);
    }

    /** Runs events until simulated time reaches {@code end} or none are left. */
    void runUntil(long end) {
        while (!events.isEmpty() && events.peek().at() <= end) {
            Event event = events.poll();
            now = event.at();
            event.action().run();
        }
        now = Math.max(now, end);
    }
}
