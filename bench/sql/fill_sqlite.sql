-- Fills a migrated seatd database (SQLite) with the same data as fill_postgres.sql: the
-- bookings count comes from the fill_params table the caller creates first (bench/db1m.sh):
--   CREATE TEMP TABLE fill_params AS SELECT 1000000 AS bookings;
-- Recursive CTEs stand in for generate_series; times are ISO text as seatd writes them.
.bail on
.timer on
BEGIN;
CREATE TEMP TABLE fill_n AS SELECT bookings, bookings / 40 AS trips, bookings / 10 AS users,
  strftime('%s', 'now') AS now_s FROM fill_params;

WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 500)
INSERT INTO buses(bus_name, bus_number, bus_type, total_seats)
SELECT 'Fill Bus ' || x, 'FILL-' || x, CASE WHEN x % 2 = 0 THEN 'AC' ELSE 'Non-AC' END, 40 FROM g;

WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < (SELECT users FROM fill_n))
INSERT INTO users(username, email, password_hash, is_admin, created_at)
SELECT 'Fill User ' || x, 'fill' || x || '@fill.example.com', '!fill-no-login', 0,
       strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime', '-400 days') FROM g;

CREATE TEMP TABLE fill_cities(i INTEGER PRIMARY KEY, name TEXT);
INSERT INTO fill_cities VALUES (0, 'Chennai'), (1, 'Madurai'), (2, 'Coimbatore'),
  (3, 'Bangalore'), (4, 'Trichy'), (5, 'Salem'), (6, 'Tirunelveli'), (7, 'Pondicherry'),
  (8, 'Vellore'), (9, 'Erode');

-- Departure of trip k: 360 days ago + k * (360 days / trips), whole minutes.
WITH RECURSIVE g(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM g WHERE x < (SELECT trips FROM fill_n) - 1),
dep(x, t) AS (
  SELECT x, (strftime('%s', 'now', 'localtime', '-360 days')
             + x * (360 * 86400 / (SELECT trips FROM fill_n))) / 60 * 60 FROM g)
INSERT INTO trips(bus_id, source, destination, departure_time, arrival_time, price,
                  service_type, operator)
SELECT b.id, s.name, d.name,
       strftime('%Y-%m-%dT%H:%M:%S', dep.t, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%S', dep.t + 9 * 3600, 'unixepoch'),
       500 + (dep.x % 11) * 50, 'Sleeper', 'FILL'
FROM dep
JOIN buses b ON b.bus_name = 'Fill Bus ' || (dep.x % 500 + 1)
JOIN fill_cities s ON s.i = dep.x % 10
JOIN fill_cities d ON d.i = (dep.x % 10 + 1 + (dep.x / 10) % 9) % 10;

CREATE TEMP TABLE fill_trips AS
SELECT id, price, departure_time, row_number() OVER (ORDER BY id) - 1 AS k
FROM trips WHERE operator = 'FILL';
CREATE UNIQUE INDEX temp.fill_trips_k ON fill_trips(k);

WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 40)
INSERT INTO seats(trip_id, seat_number) SELECT t.id, s.n FROM fill_trips t, s ORDER BY t.id, s.n;

WITH RECURSIVE g(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM g WHERE x < (SELECT bookings FROM fill_n) - 1)
INSERT INTO bookings(booking_number, user_id, trip_id, seat_number, status, price, created_at)
SELECT 'FILL' || printf('%08d', g.x),
       (SELECT min(id) FROM users WHERE email = 'fill1@fill.example.com')
         + (g.x * 7919) % (SELECT users FROM fill_n),
       t.id, 1 + g.x % 40, 'confirmed', t.price,
       strftime('%Y-%m-%dT%H:%M:%S', t.departure_time, '-' || (g.x % 30 + 1) || ' days',
                '+' || (g.x % 1440) || ' minutes')
FROM g JOIN fill_trips t ON t.k = g.x / 40;
-- The trips' sales counters (migration 2), as create_booking keeps them.
UPDATE trips SET booked_seats = s.n, revenue = s.amount
FROM (SELECT trip_id, count(*) AS n, sum(price) AS amount FROM bookings
      WHERE status = 'confirmed' GROUP BY trip_id) s
WHERE trips.id = s.trip_id;
COMMIT;
ANALYZE;
SELECT (SELECT count(*) FROM bookings) AS booking_rows, (SELECT count(*) FROM trips) AS trips,
       (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM seats) AS seats;
