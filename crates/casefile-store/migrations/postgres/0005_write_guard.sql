-- One statement per unit of work (sql/combine.rs): its conditional updates run as writable
-- CTEs, and this check aborts the whole statement when one of them touched no row.
CREATE OR REPLACE FUNCTION casefile_guard(ok BOOLEAN) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ok THEN
        RAISE EXCEPTION 'a conditional update touched no row' USING ERRCODE = 'CF409';
    END IF;
    RETURN ok;
END
$$;
