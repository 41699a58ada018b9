-- The status the batch's submission ids had before this load (those processed again).
select submission_id, status from kept_receipts
