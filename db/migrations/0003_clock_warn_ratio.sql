-- Custom migration: the traffic-light threshold of case clocks is data, not code
-- (domain.md: green below 80 % of the limit, yellow 80–100 %, red when overdue).
-- value: a fraction of the stage's working time limit (0 < ratio < 1).
INSERT INTO app_meta (key, value) VALUES ('clock.warn_ratio', '0.8') ON CONFLICT (key) DO NOTHING;
