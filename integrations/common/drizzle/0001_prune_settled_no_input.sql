-- The outbox keeps no adapter input (an SMS or mail's text is personal data, a code a secret): the
-- column goes with enqueue, its only writer, which only a test used. A pending row that still had
-- an input and was never in flight is settled by the worker as failed, "abandoned before sending".
-- Settled sends are pruned after a retention period (the runner's prune): the index serves that sweep.
CREATE INDEX "send_settled_idx" ON "partner_outbox"."send" USING btree ("settled_at") WHERE "partner_outbox"."send"."status" <> 'pending';--> statement-breakpoint
ALTER TABLE "partner_outbox"."send" DROP COLUMN "input";