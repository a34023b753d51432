-- Fills a migrated seatd database (PostgreSQL) with :bookings one-seat bookings, through the
-- real schema: :bookings / 40 trips in the past 360 days, every seat of each sold once, on 500
-- buses over the 90 routes between 10 cities; :bookings / 10 users (password hashes that match
-- no password: these accounts cannot log in). Booking times fall in the 30 days before each
-- departure (so the last 7 days hold recent sales). psql -v bookings=1000000 -f fill_postgres.sql
\set ON_ERROR_STOP on
\timing on
BEGIN;
SELECT (:bookings / 40) AS trips, (:bookings / 10) AS users \gset

INSERT INTO buses(bus_name, bus_number, bus_type, total_seats)
SELECT 'Fill Bus ' || g, 'FILL-' || g, CASE WHEN g % 2 = 0 THEN 'AC' ELSE 'Non-AC' END, 40
FROM generate_series(1, 500) g;

INSERT INTO users(username, email, password_hash, is_admin, created_at)
SELECT 'Fill User ' || g, 'fill' || g || '@fill.example.com', '!fill-no-login', false,
       localtimestamp(0) - interval '400 days'
FROM generate_series(1, :users) g;

CREATE TEMP TABLE fill_cities(i int PRIMARY KEY, name text) ON COMMIT DROP;
INSERT INTO fill_cities VALUES (0, 'Chennai'), (1, 'Madurai'), (2, 'Coimbatore'),
  (3, 'Bangalore'), (4, 'Trichy'), (5, 'Salem'), (6, 'Tirunelveli'), (7, 'Pondicherry'),
  (8, 'Vellore'), (9, 'Erode');

-- Trip k departs 360 days ago + k * (360 days / trips), on route (k % 10 -> k / 10 % 9 ...).
INSERT INTO trips(bus_id, source, destination, departure_time, arrival_time, price,
                  service_type, operator)
SELECT b.id, s.name, d.name,
       date_trunc('minute', localtimestamp(0) - interval '360 days'
                             + g * (interval '360 days' / :trips)),
       date_trunc('minute', localtimestamp(0) - interval '360 days'
                             + g * (interval '360 days' / :trips)) + interval '9 hours',
       500 + (g % 11) * 50, 'Sleeper', 'FILL'
FROM generate_series(0, :trips - 1) g
JOIN buses b ON b.bus_name = 'Fill Bus ' || (g % 500 + 1)
JOIN fill_cities s ON s.i = g % 10
JOIN fill_cities d ON d.i = (g % 10 + 1 + (g / 10) % 9) % 10;

CREATE TEMP TABLE fill_trips ON COMMIT DROP AS
SELECT id, price, departure_time, row_number() OVER (ORDER BY id) - 1 AS k
FROM trips WHERE operator = 'FILL';
CREATE UNIQUE INDEX ON fill_trips(k);

INSERT INTO seats(trip_id, seat_number)
SELECT t.id, s FROM fill_trips t, generate_series(1, 40) s;

SELECT min(id) AS first_user FROM users WHERE email LIKE 'fill%@fill.example.com' \gset
INSERT INTO bookings(booking_number, user_id, trip_id, seat_number, status, price, created_at)
SELECT 'FILL' || lpad(g::text, 8, '0'), :first_user + (g::bigint * 7919) % :users, t.id, 1 + g % 40,
       'confirmed', t.price,
       t.departure_time - (g % 30 + 1) * interval '1 day' + (g % 1440) * interval '1 minute'
FROM generate_series(0, :bookings - 1) g
JOIN fill_trips t ON t.k = g / 40;
-- The trips' sales counters (migration 2), as create_booking keeps them.
UPDATE trips SET booked_seats = s.n, revenue = s.amount
FROM (SELECT trip_id, count(*) AS n, sum(price) AS amount FROM bookings
      WHERE status = 'confirmed' GROUP BY trip_id) s
WHERE trips.id = s.trip_id;
COMMIT;
VACUUM (ANALYZE);
SELECT (SELECT count(*) FROM bookings) AS booking_rows, (SELECT count(*) FROM trips) AS trips,
       (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM seats) AS seats;
