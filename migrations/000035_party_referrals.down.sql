DROP TABLE party_referrals;
